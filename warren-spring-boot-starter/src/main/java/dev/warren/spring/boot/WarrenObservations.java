package dev.warren.spring.boot;

import dev.warren.Event;
import dev.warren.MessageObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.util.Map;

/**
 * Warren's publishes and handler runs as Micrometer Observations on the application's registry: a
 * {@code warren.publish} observation per event published, from the publish until the broker's
 * confirm, and a {@code warren.handle} observation per handler run, current while the handler runs.
 *
 * <p>The publish observation's context is a {@link SenderContext} whose carrier is the message's
 * headers, and the handle observation's a {@link ReceiverContext} reading them: with Micrometer
 * Tracing on the classpath, Spring Boot's propagating tracing handlers write the trace context
 * there (W3C {@code traceparent}, or B3 if so configured) and continue it on the consumer's side,
 * so Spring's tracing shows an HTTP request, the event it published, the handler that took it and
 * what that handler published as one trace.
 */
final class WarrenObservations implements MessageObserver {
  private final ObservationRegistry registry;
  private final String exchange;

  WarrenObservations(ObservationRegistry registry, String exchange) {
    this.registry = registry;
    this.exchange = exchange;
  }

  @Override
  public Completion publishing(Event event, Map<String, String> headers) {
    SenderContext<Map<String, String>> context =
        new SenderContext<>((carrier, key, value) -> carrier.put(key, value), Kind.PRODUCER);
    context.setCarrier(headers);
    context.setRemoteServiceName("warren");
    Observation observation =
        Observation.createNotStarted("warren.publish", () -> context, registry)
            .contextualName(event.type() + " send")
            .lowCardinalityKeyValue("messaging.system", "warren")
            .lowCardinalityKeyValue("messaging.operation", "publish")
            .lowCardinalityKeyValue("messaging.destination.name", exchange)
            .highCardinalityKeyValue("warren.event.type", event.type())
            .highCardinalityKeyValue("warren.event.id", event.id())
            .start();
    return error -> {
      if (error != null) {
        observation.error(error);
      }
      observation.stop();
    };
  }

  @Override
  public Completion handling(String subscription, Event event, Map<String, String> headers) {
    ReceiverContext<Map<String, String>> context =
        new ReceiverContext<>((carrier, key) -> carrier.get(key), Kind.CONSUMER);
    context.setCarrier(headers);
    context.setRemoteServiceName("warren");
    Observation observation =
        Observation.createNotStarted("warren.handle", () -> context, registry)
            .contextualName(subscription + " process")
            .lowCardinalityKeyValue("messaging.system", "warren")
            .lowCardinalityKeyValue("messaging.operation", "process")
            .lowCardinalityKeyValue("warren.subscription", subscription)
            .highCardinalityKeyValue("warren.event.type", event.type())
            .highCardinalityKeyValue("warren.event.id", event.id())
            .start();
    // why: current while the handler runs, so what it publishes is a child of this observation
    Observation.Scope scope = observation.openScope();
    return error -> {
      scope.close();
      if (error != null) {
        observation.error(error);
      }
      observation.stop();
    };
  }
}
