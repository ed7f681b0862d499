package dev.warren.internal.memory;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.MessageRates;
import dev.warren.admin.SubscriptionInfo;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The embedded broker's message rates: per second over the last few seconds, as RabbitMQ's. */
class QueueRatesTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aFirstReadingHasNoFiguresAndLaterOnesCountPerSecond() {
    QueueRates rates = new QueueRates();
    assertThat(rates.read(0).known()).isFalse();

    for (int i = 0; i < 20; i++) {
      rates.published();
    }
    for (int i = 0; i < 10; i++) {
      rates.delivered();
      rates.acknowledged();
    }
    MessageRates r = rates.read(2 * SECOND);
    assertThat(r.published()).isCloseTo(10.0, within(1e-9));
    assertThat(r.delivered()).isCloseTo(5.0, within(1e-9));
    assertThat(r.acknowledged()).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void aReadingLooksBackOverTheWindowOnly() {
    QueueRates rates = new QueueRates();
    rates.read(0);
    for (int i = 0; i < 100; i++) {
      rates.published(); // a burst in the first second
    }
    rates.read(SECOND);
    rates.read(6 * SECOND);
    for (int i = 0; i < 5; i++) {
      rates.published();
    }
    // the burst is more than the 5-s window before: it no longer counts
    assertThat(rates.read(11 * SECOND).published()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void aReadingAfterALongPauseStartsAfresh() {
    QueueRates rates = new QueueRates();
    rates.read(0);
    rates.published();
    assertThat(rates.read(60 * SECOND).known()).isFalse();
    rates.published();
    rates.published();
    assertThat(rates.read(62 * SECOND).published()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void subscriptionsOnTheEmbeddedBrokerReportRates() {
    String broker = "rates-" + UUID.randomUUID();
    try (Warren warren = Warren.create(WarrenOptions.builder().memoryBroker(broker).build())) {
      warren.subscribe(Subscription.named("rated").pattern("rated.*"), event -> {});
      assertThat(info(warren).rates().known()).as("a first reading").isFalse();
      int n = 200;
      CompletableFuture<?>[] sent = new CompletableFuture<?>[n];
      for (int i = 0; i < n; i++) {
        sent[i] = warren.publish("rated.happened", i);
      }
      CompletableFuture.allOf(sent).join();
      await().atMost(10, SECONDS).until(() -> info(warren).rates().acknowledged() > 0);

      MessageRates r = info(warren).rates();
      assertThat(r.published()).isPositive();
      assertThat(r.delivered()).isPositive();
      // why: over at least half a second, 200 messages are at most 400/s
      assertThat(r.published()).isLessThanOrEqualTo(2.0 * n);
    }
  }

  private static SubscriptionInfo info(Warren warren) {
    return warren.admin().subscriptions().stream()
        .filter(s -> s.name().equals("rated"))
        .findFirst()
        .orElseThrow();
  }
}
