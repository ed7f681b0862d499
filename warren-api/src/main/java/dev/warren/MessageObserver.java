package dev.warren;

import java.util.Map;

/**
 * Watches each publish and each handler run of an instance, to trace them: set with {@link
 * WarrenOptions.Builder#observer}. The Spring Boot starter sets one that makes Micrometer
 * Observations of both, so that what a handler runs continues the trace of the code that published
 * the event.
 *
 * <p>Trace context travels in the message's headers: {@link #publishing} may add string headers
 * (W3C {@code traceparent} and {@code tracestate}, say), and {@link #handling} reads them back on
 * the consumer's side, on whichever transport.
 *
 * <pre>{@code
 * WarrenOptions options = WarrenOptions.builder()
 *     .observer(new MessageObserver() {
 *       public Completion publishing(Event event, Map<String, String> headers) {
 *         Span span = tracer.startProducerSpan(event, headers); // injects traceparent
 *         return error -> span.end(error);
 *       }
 *       public Completion handling(String subscription, Event event, Map<String, String> headers) {
 *         Span span = tracer.startConsumerSpan(subscription, event, headers); // extracts it
 *         return error -> span.end(error);
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Both methods run on Warren's hot path: they must be quick. What they throw is logged and
 * ignored; it never fails a publish or a delivery.
 */
public interface MessageObserver {
  /**
   * An event is about to be published, on the publisher's thread (a handler's, when a handler
   * publishes).
   *
   * @param event the event, complete with its source and correlation
   * @param headers where to put headers of the message, mutable; only string values are read
   * @return called once, with {@code null} when the broker confirmed the event or with the error
   *     when publishing failed, on whichever thread saw that
   */
  Completion publishing(Event event, Map<String, String> headers);

  /**
   * A subscription's handler is about to run for an event, on the thread that runs it.
   *
   * @param subscription the subscription's name
   * @param event the event
   * @param headers the message's headers that are strings (the trace context among them), read only
   * @return called once on the same thread when the handler returned ({@code null}) or threw (what
   *     it threw)
   */
  Completion handling(String subscription, Event event, Map<String, String> headers);

  /** How a publish or a handler run ended. */
  @FunctionalInterface
  interface Completion {
    /** A completion that does nothing. */
    Completion NONE = error -> {};

    /**
     * @param error {@code null} on success, else what failed
     */
    void complete(Throwable error);
  }
}
