package dev.warren.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Event;
import dev.warren.WarrenClock;
import dev.warren.internal.deadletters.Failure;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.internal.topology.QueueDeclarer;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.WarrenHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedRetriesTest {
  private final InMemoryTransport transport = InMemoryTransport.withOwnBroker();
  private final DelayedRetries retries = new DelayedRetries(new DelayQueues(transport), null);

  @AfterEach
  void close() {
    transport.close();
  }

  private Delivery delivered(Map<String, Object> headers) {
    transport.declareQueue(QueueSpec.durable("orders"));
    transport.publish("", "orders", Message.of(new byte[] {1}, headers)).join();
    return transport.get("orders").orElseThrow();
  }

  @Test
  void aFailedEventIsParkedInTheTierOfItsDelayWithItsDueTime() {
    Delivery d = delivered(Map.of());
    Failure f = new Failure("orders", "orders", d, null, new IllegalStateException("busy"), 3);
    Instant before = Instant.now();
    retries.park(f, 1, Duration.ofSeconds(5)).join();

    Message parked = transport.get("orders.wait.4096ms").orElseThrow().message();
    assertThat(parked.expiration()).isEqualTo(4096);
    assertThat(parked.header(WarrenHeaders.RETRIES)).isEqualTo("1");
    assertThat(parked.header(WarrenHeaders.ATTEMPTS)).isEqualTo("3");
    assertThat(parked.header(WarrenHeaders.ERROR_MESSAGE)).isEqualTo("busy");
    Instant due = DelayedRetries.due(parked);
    assertThat(due).isBetween(before.plusSeconds(5), Instant.now().plusSeconds(5));
    assertThat(DelayedRetries.early(parked, Instant.now())).isTrue();
    assertThat(DelayedRetries.early(parked, due.minusMillis(DelayQueues.TOLERANCE_MS))).isFalse();
  }

  @Test
  void anEarlyDeliveryIsParkedAgainForTheRestWithoutTheBrokersDeathRecords() {
    Instant due = Instant.now().plusMillis(900);
    Delivery d =
        delivered(
            Map.of(
                WarrenHeaders.RETRY_DUE,
                due.toString(),
                "x-death",
                java.util.List.of(Map.of("queue", "orders.wait.4096ms"))));
    assertThat(DelayedRetries.early(d.message(), Instant.now())).isTrue();
    retries.parkAgain("orders", d.message()).join();

    Message parked = transport.get("orders.wait.512ms").orElseThrow().message();
    assertThat(parked.header(WarrenHeaders.RETRY_DUE)).isEqualTo(due.toString());
    assertThat(parked.headers()).doesNotContainKey("x-death");
  }

  @Test
  void aMessageWithoutADueTimeIsNeverEarly() {
    assertThat(DelayedRetries.early(Message.of(new byte[0], Map.of()), Instant.now())).isFalse();
    assertThat(
            DelayedRetries.early(
                Message.of(new byte[0], Map.of(WarrenHeaders.RETRY_DUE, "garbage")), Instant.now()))
        .isFalse();
  }

  @Test
  void aBroadcastQueuesWaitQueuesExpire() {
    // why: a clock that stands still, so the tier does not depend on how fast this machine is (a
    // 100 ms delay read 40 ms later on a loaded machine would take the 32 ms tier)
    Instant now = Instant.now();
    WarrenClock stopped =
        new WarrenClock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.util.concurrent.Future<?> schedule(Duration delay, Runnable action) {
            throw new UnsupportedOperationException("wait queues set no timer of their own");
          }
        };
    DelayedRetries expiring =
        new DelayedRetries(
            new DelayQueues(QueueDeclarer.classic(transport), stopped), Duration.ofMinutes(1));
    Delivery d = delivered(Map.of());
    Event none = null;
    expiring
        .park(
            new Failure("orders", "orders", d, none, new IllegalStateException("x"), 1),
            1,
            Duration.ofMillis(100))
        .join();
    assertThat(
            transport.listQueues().stream()
                .filter(q -> q.name().equals("orders.wait.64ms"))
                .findFirst()
                .orElseThrow()
                .arguments())
        .containsEntry(QueueSpec.EXPIRES, 60_064L);
  }
}
