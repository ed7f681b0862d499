package dev.warren.internal.observability;

import dev.warren.Event;
import dev.warren.internal.engine.EngineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Counts and times what the engine does, in a {@link MeterRegistry} (the global composite by
 * default, so a registry the application adds to it sees Warren's meters):
 *
 * <ul>
 *   <li>{@code warren.published}, {@code warren.publish.failed} (tag {@code type}), {@code
 *       warren.confirm.latency} timer
 *   <li>{@code warren.handled}, {@code warren.retried}, {@code warren.deadlettered}, {@code
 *       warren.replayed} (tag {@code subscription}), {@code warren.handler.duration} timer
 * </ul>
 *
 * Tag values are bounded to {@value #MAX_TAG_VALUES} per tag; further ones count as {@code other}.
 */
final class MetricsListener implements EngineListener {
  static final int MAX_TAG_VALUES = 200;

  private final MeterRegistry registry;
  private final BoundedTags types = new BoundedTags(MAX_TAG_VALUES);
  private final BoundedTags subscriptions = new BoundedTags(MAX_TAG_VALUES);
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> failed = new ConcurrentHashMap<>();
  private final Map<String, Counter> handled = new ConcurrentHashMap<>();
  private final Map<String, Counter> retried = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final Map<String, Counter> replayed = new ConcurrentHashMap<>();
  private final Map<String, Timer> handlerDuration = new ConcurrentHashMap<>();
  private final Timer confirmLatency;

  MetricsListener(MeterRegistry registry) {
    this.registry = registry;
    this.confirmLatency =
        Timer.builder("warren.confirm.latency")
            .description("Time from publishing an event to the broker's confirm")
            .register(registry);
  }

  private Counter counter(
      Map<String, Counter> cache, String name, String tag, String value, String description) {
    return cache.computeIfAbsent(
        value, v -> Counter.builder(name).description(description).tag(tag, v).register(registry));
  }

  private static <T> T cached(Map<String, T> cache, String key, Function<String, T> make) {
    return cache.computeIfAbsent(key, make);
  }

  @Override
  public void published(Event event, int bytes, long nanos) {
    counter(published, "warren.published", "type", types.of(event.type()), "Events published")
        .increment();
    confirmLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void publishFailed(Event event, Throwable error) {
    counter(
            failed,
            "warren.publish.failed",
            "type",
            types.of(event.type()),
            "Events whose publishing failed")
        .increment();
  }

  @Override
  public void handled(String subscription, Event event, long attempts, long nanos) {
    String s = subscriptions.of(subscription);
    counter(handled, "warren.handled", "subscription", s, "Events handled").increment();
    cached(
            handlerDuration,
            s,
            v ->
                Timer.builder("warren.handler.duration")
                    .description("How long a successful handler run took")
                    .tag("subscription", v)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void retried(
      String subscription, Event event, long attempts, Throwable error, long delayMillis) {
    counter(
            retried,
            "warren.retried",
            "subscription",
            subscriptions.of(subscription),
            "Handler failures that will be retried")
        .increment();
  }

  @Override
  public void deadLettered(
      String subscription, Event event, String eventId, long attempts, Throwable error) {
    counter(
            deadLettered,
            "warren.deadlettered",
            "subscription",
            subscriptions.of(subscription),
            "Events moved to a dead-letter queue")
        .increment();
  }

  @Override
  public void replayed(String subscription, String eventId) {
    counter(
            replayed,
            "warren.replayed",
            "subscription",
            subscriptions.of(subscription),
            "Dead letters sent back to their subscription")
        .increment();
  }
}
