package dev.warren.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import dev.warren.RetryPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetriesTest {
  private final Retries retries =
      new Retries(
          RetryPolicy.builder()
              .immediateRetries(2)
              .delays(Duration.ofSeconds(1), Duration.ofMinutes(5))
              .jitter(0.1)
              .nonRetryable(IllegalArgumentException.class)
              .build());

  @Test
  void retriesAtOnceUpToTheImmediateRetries() {
    IllegalStateException busy = new IllegalStateException("busy");
    assertThat(retries.retryAtOnce(busy, 0)).isTrue();
    assertThat(retries.retryAtOnce(busy, 1)).isTrue();
    assertThat(retries.retryAtOnce(busy, 2)).isFalse();
  }

  @Test
  void thenAfterEachDelayWithJitterThenNoMore() {
    IllegalStateException busy = new IllegalStateException("busy");
    for (int i = 0; i < 100; i++) {
      assertThat(retries.delayAfter(busy, 0).orElseThrow())
          .isBetween(Duration.ofMillis(900), Duration.ofMillis(1100));
      assertThat(retries.delayAfter(busy, 1).orElseThrow())
          .isBetween(Duration.ofSeconds(270), Duration.ofSeconds(330));
    }
    assertThat(retries.delayAfter(busy, 2)).isEmpty();
  }

  @Test
  void nonRetryableFailuresAndUndecodableDataAreNeverRetried() {
    for (Throwable t :
        new Throwable[] {
          new IllegalArgumentException("no"),
          new NonRetryableException("no"),
          new InvalidInputException("cannot read the event data as Order")
        }) {
      assertThat(retries.retryable(t)).isFalse();
      assertThat(retries.retryAtOnce(t, 0)).isFalse();
      assertThat(retries.delayAfter(t, 0)).isEmpty();
    }
  }
}
