package dev.warren.cli;

/**
 * Bad input found by the CLI itself (an unreadable data file, conflicting options, an invalid
 * {@code WARREN_*} variable): reported in one line with exit code {@link WarrenCli#EXIT_USAGE}.
 * Subcommands throw it for input errors that are not already an {@link
 * dev.warren.InvalidInputException}.
 */
public final class UsageException extends RuntimeException {
  /**
   * @param message what is wrong, naming the bad value
   */
  public UsageException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the bad value
   * @param cause the underlying error
   */
  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
