package dev.warren;

/**
 * The name bad input had in Warren 0.1.
 *
 * @deprecated Warren throws {@link InvalidInputException} for every kind of bad input; catch that.
 *     This class remains so that code written against 0.1 compiles; Warren no longer throws it.
 */
@Deprecated(since = "0.2", forRemoval = true)
public class InvalidEventException extends InvalidInputException {
  /**
   * @param message what is wrong, naming the bad value
   */
  public InvalidEventException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the bad value
   * @param cause the underlying error
   */
  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
