package dev.warren;

/**
 * Bad input: an event, an event type, a pattern, a name or an option that Warren will not accept.
 * The message names the bad value. Thrown before anything is sent, so nothing is published.
 */
public class InvalidEventException extends WarrenException {
  /**
   * @param message what is wrong, naming the bad value
   */
  public InvalidEventException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the bad value
   * @param cause the underlying error, for example a JSON parse error
   */
  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
