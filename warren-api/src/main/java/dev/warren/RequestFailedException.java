package dev.warren;

/**
 * The responder of a {@linkplain Warren#request request} failed to handle it: its handler threw
 * until the request was dead-lettered (or threw a {@link NonRetryableException}). The message
 * carries the responder's error.
 */
public class RequestFailedException extends WarrenException {
  /**
   * @param message the responder's error, as it reported it
   */
  public RequestFailedException(String message) {
    super(message);
  }
}
