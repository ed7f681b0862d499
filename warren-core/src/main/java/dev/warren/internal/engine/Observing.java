package dev.warren.internal.engine;

import dev.warren.Event;
import dev.warren.MessageObserver;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The options' {@link MessageObserver}, guarded so that a faulty one cannot break a publish or a
 * delivery, and translated between the message's headers and the string headers it sees.
 */
final class Observing {
  private static final Logger log = LoggerFactory.getLogger(Observing.class);

  /** The W3C trace context and baggage headers, which an observer may replace. */
  private static final Set<String> TRACE_HEADERS = Set.of("traceparent", "tracestate", "baggage");

  private final MessageObserver observer;

  /**
   * @param observer the observer, or {@code null} for none
   */
  Observing(MessageObserver observer) {
    this.observer = observer;
  }

  boolean isOn() {
    return observer != null;
  }

  /**
   * @param event the event being published
   * @param headers the message's headers, to which the string headers the observer adds are added
   * @return how to tell the observer the publish ended, never {@code null}
   */
  MessageObserver.Completion publishing(Event event, Map<String, Object> headers) {
    if (observer == null) {
      return MessageObserver.Completion.NONE;
    }
    try {
      Map<String, String> added = new HashMap<>();
      MessageObserver.Completion completion = observer.publishing(event, added);
      // why: the observer's trace context replaces one an OpenTelemetry listener put there, so that
      // the consumer continues the trace the application's tracing shows; Warren's own headers stay
      added.forEach(
          (name, value) -> {
            if (value != null && (!headers.containsKey(name) || TRACE_HEADERS.contains(name))) {
              headers.put(name, value);
            }
          });
      return guarded(completion);
    } catch (RuntimeException e) {
      log.warn(
          "message observer {} failed on publish: {}", observer.getClass().getName(), e.toString());
      return MessageObserver.Completion.NONE;
    }
  }

  /**
   * @param subscription the subscription
   * @param event the event about to be handled
   * @param headers the message's headers
   * @return how to tell the observer the handler ended, never {@code null}
   */
  MessageObserver.Completion handling(
      String subscription, Event event, Map<String, Object> headers) {
    if (observer == null) {
      return MessageObserver.Completion.NONE;
    }
    try {
      return guarded(observer.handling(subscription, event, strings(headers)));
    } catch (RuntimeException e) {
      log.warn(
          "message observer {} failed on handling: {}",
          observer.getClass().getName(),
          e.toString());
      return MessageObserver.Completion.NONE;
    }
  }

  private MessageObserver.Completion guarded(MessageObserver.Completion completion) {
    if (completion == null) {
      return MessageObserver.Completion.NONE;
    }
    return error -> {
      try {
        completion.complete(error);
      } catch (RuntimeException e) {
        log.warn(
            "message observer {} failed to complete: {}",
            observer.getClass().getName(),
            e.toString());
      }
    };
  }

  /** why: transports give strings as strings, but a foreign publisher's may arrive as bytes */
  private static Map<String, String> strings(Map<String, Object> headers) {
    if (headers == null || headers.isEmpty()) {
      return Map.of();
    }
    Map<String, String> strings = new HashMap<>();
    headers.forEach(
        (k, v) -> {
          if (v instanceof CharSequence s) {
            strings.put(k, s.toString());
          } else if (v instanceof byte[] bytes) {
            strings.put(k, new String(bytes, StandardCharsets.UTF_8));
          }
        });
    return Collections.unmodifiableMap(strings);
  }
}
