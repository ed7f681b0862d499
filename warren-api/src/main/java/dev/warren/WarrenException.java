package dev.warren;

/**
 * The root of every exception Warren throws. Unchecked, so handlers and callers decide where to
 * deal with failures instead of declaring them everywhere.
 *
 * <p>Broker and I/O errors are translated at the transport boundary into a few meaningful subtypes:
 * {@link BrokerUnavailableException}, {@link PublishRejectedException}, {@link
 * TopologyMismatchException} and {@link InvalidInputException}.
 */
public class WarrenException extends RuntimeException {
  /**
   * @param message what went wrong, naming the value or resource concerned
   */
  public WarrenException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, naming the value or resource concerned
   * @param cause the underlying error
   */
  public WarrenException(String message, Throwable cause) {
    super(message, cause);
  }
}
