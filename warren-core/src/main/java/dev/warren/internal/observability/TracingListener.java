package dev.warren.internal.observability;

import dev.warren.Event;
import dev.warren.internal.engine.EngineListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Traces publishing and handling with OpenTelemetry, after its messaging semantic conventions: a
 * {@code PRODUCER} span per publish, ended at the broker's confirm, whose W3C trace context travels
 * in the {@code traceparent}/{@code tracestate} headers; a {@code CONSUMER} span per handler run,
 * child of the producer span and current while the handler runs, so what the handler publishes
 * joins the same trace.
 */
final class TracingListener implements EngineListener {
  static final String INSTRUMENTATION = "dev.warren";
  private static final int MAX_OPEN = 10_000;

  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> CONVERSATION_ID =
      AttributeKey.stringKey("messaging.message.conversation_id");
  static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  static final AttributeKey<String> ROUTING_KEY =
      AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");
  static final AttributeKey<String> SUBSCRIPTION =
      AttributeKey.stringKey("messaging.destination.subscription.name");
  static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
  static final AttributeKey<String> EVENT_SOURCE =
      AttributeKey.stringKey("cloudevents.event_source");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("warren.attempts");

  private static final TextMapSetter<Map<String, Object>> SETTER =
      (headers, key, value) -> {
        if (headers != null) {
          headers.put(key, value);
        }
      };

  private static final TextMapGetter<Map<String, Object>> GETTER =
      new TextMapGetter<>() {
        @Override
        public String get(Map<String, Object> headers, String key) {
          if (headers == null) {
            return null;
          }
          Object v = headers.get(key);
          if (v instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
          }
          return v == null ? null : v.toString();
        }
      };

  /** A consumer span whose handler returned, waiting for the engine to say how it went. */
  private record Finished(Span span, Instant endedAt) {}

  private final Supplier<OpenTelemetry> otel;
  private final String exchange;
  private final Map<String, Span> publishing = new ConcurrentHashMap<>();
  private final Map<String, Finished> handling = new ConcurrentHashMap<>();

  TracingListener(Supplier<OpenTelemetry> otel, String exchange) {
    this.otel = otel;
    this.exchange = exchange;
  }

  private Tracer tracer() {
    return otel.get().getTracer(INSTRUMENTATION);
  }

  private SpanBuilder messaging(String name, SpanKind kind, String operationType, Event event) {
    SpanBuilder b =
        tracer()
            .spanBuilder(name)
            .setSpanKind(kind)
            .setAttribute(SYSTEM, "rabbitmq")
            .setAttribute(DESTINATION, exchange)
            .setAttribute(OPERATION_TYPE, operationType)
            .setAttribute(OPERATION_NAME, operationType.equals("send") ? "publish" : "process")
            // why: the older conventions' name, which many backends still group by
            .setAttribute(OPERATION, operationType.equals("send") ? "publish" : "process")
            .setAttribute(MESSAGE_ID, event.id())
            .setAttribute(ROUTING_KEY, event.type())
            .setAttribute(EVENT_TYPE, event.type())
            .setAttribute(BODY_SIZE, (long) event.data().length);
    if (event.source() != null) {
      b.setAttribute(EVENT_SOURCE, event.source());
    }
    event.correlationId().ifPresent(c -> b.setAttribute(CONVERSATION_ID, c));
    return b;
  }

  @Override
  public void beforePublish(Event event, Map<String, Object> headers) {
    Span span = messaging("publish " + exchange, SpanKind.PRODUCER, "send", event).startSpan();
    if (!span.getSpanContext().isValid()) {
      return; // why: no SDK installed; nothing to propagate or end
    }
    if (publishing.size() >= MAX_OPEN) {
      span.end(); // why: confirms that never come must not grow this map without bound
    } else {
      publishing.put(event.id(), span);
    }
    otel.get()
        .getPropagators()
        .getTextMapPropagator()
        .inject(Context.current().with(span), headers, SETTER);
  }

  @Override
  public void published(Event event, int bytes, long nanos) {
    Span span = publishing.remove(event.id());
    if (span != null) {
      span.end();
    }
  }

  @Override
  public void publishFailed(Event event, Throwable error) {
    Span span = publishing.remove(event.id());
    if (span != null) {
      span.recordException(error);
      span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
      span.end();
    }
  }

  @Override
  public AutoCloseable beforeHandle(String subscription, Event event, Map<String, Object> headers) {
    Context parent =
        otel.get().getPropagators().getTextMapPropagator().extract(Context.root(), headers, GETTER);
    Span span =
        messaging("process " + subscription, SpanKind.CONSUMER, "process", event)
            .setParent(parent)
            .setAttribute(SUBSCRIPTION, subscription)
            .startSpan();
    if (!span.getSpanContext().isValid()) {
      return null;
    }
    Scope scope = span.makeCurrent();
    String key = key(subscription, event.id());
    return () -> {
      scope.close();
      // why: the engine tells success or failure only after the handler scope closed, so the span
      // waits here, ended later with the handler's own end time
      Finished previous = handling.put(key, new Finished(span, Instant.now()));
      if (previous != null) {
        finish(previous, null, "superseded");
      }
      if (handling.size() > MAX_OPEN) {
        expireSome();
      }
    };
  }

  private static String key(String subscription, String eventId) {
    return subscription + '\u0000' + eventId;
  }

  private void expireSome() {
    Iterator<Map.Entry<String, Finished>> it = handling.entrySet().iterator();
    for (int i = 0; i < MAX_OPEN / 10 && it.hasNext(); i++) {
      Finished f = it.next().getValue();
      it.remove();
      finish(f, null, "outcome unknown");
    }
  }

  private static void finish(Finished f, Throwable error, String errorDescription) {
    if (error != null) {
      f.span().recordException(error);
    }
    if (errorDescription != null) {
      f.span().setStatus(StatusCode.ERROR, errorDescription);
    }
    f.span().end(f.endedAt());
  }

  @Override
  public void handled(String subscription, Event event, long attempts, long nanos) {
    Finished f = handling.remove(key(subscription, event.id()));
    if (f != null) {
      f.span().setAttribute(ATTEMPTS, attempts);
      finish(f, null, null);
    }
  }

  @Override
  public void retried(
      String subscription, Event event, long attempts, Throwable error, long delayMillis) {
    Finished f = handling.remove(key(subscription, event.id()));
    if (f != null) {
      f.span().setAttribute(ATTEMPTS, attempts);
      finish(f, error, "retried: " + error.getClass().getSimpleName());
    }
  }

  @Override
  public void deadLettered(
      String subscription, Event event, String eventId, long attempts, Throwable error) {
    Finished f = handling.remove(key(subscription, eventId));
    if (f != null) {
      f.span().setAttribute(ATTEMPTS, attempts);
      finish(f, error, "dead-lettered: " + error.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    for (Span s : publishing.values()) {
      s.end();
    }
    publishing.clear();
    for (Finished f : handling.values()) {
      finish(f, null, "outcome unknown");
    }
    handling.clear();
  }
}
