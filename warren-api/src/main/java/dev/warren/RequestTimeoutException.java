package dev.warren;

import java.time.Duration;

/**
 * A {@linkplain Warren#request request} got no reply in time. The request itself was published (the
 * broker confirmed it); whether a responder handled it is unknown.
 */
public class RequestTimeoutException extends WarrenException {
  /**
   * @param type the request's event type
   * @param timeout how long it waited
   */
  public RequestTimeoutException(String type, Duration timeout) {
    super("no reply to request '" + type + "' within " + timeout.toMillis() + " ms");
  }
}
