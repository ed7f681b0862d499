package dev.warren;

/**
 * The broker could not be reached in time: at start-up, or while publishing during an outage that
 * lasted longer than {@link WarrenOptions#publishTimeout()}. Nothing was confirmed; retrying later
 * is safe.
 */
public class BrokerUnavailableException extends WarrenException {
  /**
   * @param message which broker and for how long it was unreachable
   */
  public BrokerUnavailableException(String message) {
    super(message);
  }

  /**
   * @param message which broker and for how long it was unreachable
   * @param cause the underlying I/O error
   */
  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
