package dev.warren.internal.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.NonRetryableException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An application's registry added to Micrometer's global one sees what Warren does. */
@Timeout(60)
class MetricsListenerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Warren warren;
  private String sub;

  @BeforeEach
  void start() {
    Metrics.addRegistry(registry);
    sub = "m" + UUID.randomUUID().toString().substring(0, 8);
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            .exchange(sub + ".events")
            .build();
    warren = WarrenEngine.start(options, new InMemoryTransport(new InMemoryBroker()));
  }

  @AfterEach
  void stop() {
    warren.close();
    Metrics.removeRegistry(registry);
  }

  private double count(String name, String tag, String value) {
    var c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void publishingAndHandlingAreCountedAndTimed() {
    AtomicInteger calls = new AtomicInteger();
    warren.subscribe(
        Subscription.named(sub)
            .pattern(sub + ".*")
            .retry(RetryPolicy.builder().immediateRetries(1).delays(List.of()).build()),
        e -> {
          if (e.type().endsWith("poison")) {
            throw new NonRetryableException("poison");
          }
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("flaky");
          }
        });

    warren.publish(sub + ".ok", "{}").join();
    warren.publish(sub + ".ok", "{}").join();
    warren.publish(sub + ".poison", "{}").join();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(count("warren.handled", "subscription", sub)).isEqualTo(2);
              assertThat(count("warren.deadlettered", "subscription", sub)).isEqualTo(1);
            });
    assertThat(count("warren.published", "type", sub + ".ok")).isEqualTo(2);
    assertThat(count("warren.published", "type", sub + ".poison")).isEqualTo(1);
    assertThat(count("warren.retried", "subscription", sub)).isEqualTo(1);
    assertThat(registry.find("warren.handler.duration").tag("subscription", sub).timer().count())
        .isEqualTo(2);
    assertThat(registry.find("warren.confirm.latency").timer().count()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void tagValuesAreBounded() {
    BoundedTags tags = new BoundedTags(2);
    assertThat(tags.of("a")).isEqualTo("a");
    assertThat(tags.of("b")).isEqualTo("b");
    assertThat(tags.of("c")).isEqualTo(BoundedTags.OTHER);
    assertThat(tags.of("a")).isEqualTo("a");
  }
}
