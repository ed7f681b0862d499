package dev.warren;

/**
 * Bad input, refused at the edge before anything was sent or changed: an invalid event type, data
 * that cannot be encoded, an option or argument out of range, a subscription without a pattern. The
 * message names the bad value. Over HTTP it is a 400 problem, in the CLI a one-line message and
 * exit code 2.
 */
public class InvalidInputException extends WarrenException {
  /**
   * @param message what is wrong, naming the bad value
   */
  public InvalidInputException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the bad value
   * @param cause the underlying error
   */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
