package dev.warren.internal.delay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.transport.QueueSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DelayQueuesTest {
  @Test
  void theTierIsTheLargestPowerOfTwoNotBeyondTheRemainingTime() {
    assertThat(DelayQueues.tier(16)).isEqualTo(16);
    assertThat(DelayQueues.tier(1500)).isEqualTo(1024);
    assertThat(DelayQueues.tier(1024)).isEqualTo(1024);
    assertThat(DelayQueues.tier(Long.MAX_VALUE)).isEqualTo(1L << 31);
  }

  @Test
  void aTaskWithinTheToleranceIsDue() {
    Instant now = Instant.now();

    assertThat(DelayQueues.early(now.plusMillis(15), now)).isFalse();
    assertThat(DelayQueues.early(now.plusMillis(16), now)).isTrue();
    assertThat(DelayQueues.early(null, now)).isFalse();
  }

  @Test
  void aWaitQueueDeadLettersBackToItsTaskQueue() {
    QueueSpec spec = DelayQueues.spec("warren.tasks.default", 1024);

    assertThat(spec.name()).isEqualTo("warren.tasks.default.wait.1024ms");
    assertThat(spec.arguments())
        .containsEntry(QueueSpec.DEAD_LETTER_EXCHANGE, "")
        .containsEntry(QueueSpec.DEAD_LETTER_ROUTING_KEY, "warren.tasks.default");
  }

  @Test
  void everyTierOfAQueueHasAWaitQueueName() {
    assertThat(DelayQueues.waitQueueNames("orders"))
        .hasSize(28)
        .startsWith("orders.wait.16ms", "orders.wait.32ms")
        .endsWith("orders.wait.2147483648ms");
  }
}
