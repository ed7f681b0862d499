package dev.warren.internal.engine;

import dev.warren.Event;
import java.util.Map;

/**
 * Observes what the engine does, for lineage recording, metrics and tracing. Called on the hot
 * path: implementations must be quick and must not throw (a throwing listener is logged and
 * ignored, never allowed to fail a publish or a delivery).
 */
public interface EngineListener {
  /**
   * An event is about to be published: add headers (trace context) if needed.
   *
   * @param event the event
   * @param headers the message headers, mutable
   */
  default void beforePublish(Event event, Map<String, Object> headers) {}

  /**
   * The broker confirmed an event.
   *
   * @param event the event
   * @param bytes the size of its data
   * @param nanos time from publish to confirm
   */
  default void published(Event event, int bytes, long nanos) {}

  /**
   * Publishing failed.
   *
   * @param event the event
   * @param error why
   */
  default void publishFailed(Event event, Throwable error) {}

  /**
   * A handler is about to run; the returned scope (a tracing span, say) is closed after it.
   *
   * @param subscription the subscription
   * @param event the event
   * @param headers the message headers
   * @return a scope to close after the handler, or {@code null}
   */
  default AutoCloseable beforeHandle(
      String subscription, Event event, Map<String, Object> headers) {
    return null;
  }

  /**
   * A handler returned normally and the event was acknowledged.
   *
   * @param subscription the subscription
   * @param event the event
   * @param attempts how many times the handler ran for it, this one included
   * @param nanos how long the last run took
   */
  default void handled(String subscription, Event event, long attempts, long nanos) {}

  /**
   * A handler failed and the event will be tried again.
   *
   * @param subscription the subscription
   * @param event the event
   * @param attempts how many times the handler ran for it so far
   * @param error the failure
   * @param delayMillis when the next attempt comes, 0 for at once
   */
  default void retried(
      String subscription, Event event, long attempts, Throwable error, long delayMillis) {}

  /**
   * An event was moved to the subscription's dead-letter queue.
   *
   * @param subscription the subscription
   * @param event the event, or {@code null} when the message was not a valid event
   * @param eventId the event id (or message id)
   * @param attempts how many times the handler ran for it
   * @param error the last failure
   */
  default void deadLettered(
      String subscription, Event event, String eventId, long attempts, Throwable error) {}

  /**
   * A dead letter was sent back to its subscription.
   *
   * @param subscription the subscription
   * @param eventId the event id
   */
  default void replayed(String subscription, String eventId) {}

  /** The engine is closing: flush what is buffered. */
  default void close() {}
}
