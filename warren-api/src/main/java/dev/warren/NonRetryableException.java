package dev.warren;

/**
 * Thrown by a handler to say that trying again cannot help (a bad payload, a business rule
 * violation): the event goes straight to the dead-letter queue. Exceptions can also be marked
 * non-retryable per subscription with {@link RetryPolicy.Builder#nonRetryable(Class)}.
 */
public class NonRetryableException extends WarrenException {
  /**
   * @param message why the event cannot be handled
   */
  public NonRetryableException(String message) {
    super(message);
  }

  /**
   * @param message why the event cannot be handled
   * @param cause the underlying error
   */
  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
