package dev.warren.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.WarrenClock;
import dev.warren.WarrenException;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the broker says nothing moves, and its timers on a clock that is not the system's. */
class InMemoryBrokerIdleTest {
  /** A clock whose time and timers move only when the test says. */
  private static final class ManualClock implements WarrenClock {
    private record Timer(Instant due, Runnable action, CompletableFuture<Void> handle) {}

    private Instant now = Instant.parse("2030-01-01T00:00:00Z");
    private final List<Timer> timers = new ArrayList<>();

    @Override
    public synchronized Instant instant() {
      return now;
    }

    @Override
    public synchronized Future<?> schedule(Duration delay, Runnable action) {
      CompletableFuture<Void> handle = new CompletableFuture<>();
      timers.add(new Timer(now.plus(delay), action, handle));
      return handle;
    }

    /** Moves on and runs the timers due, on this thread. */
    void advance(Duration by) {
      List<Timer> due = new ArrayList<>();
      synchronized (this) {
        now = now.plus(by);
        for (Timer t : List.copyOf(timers)) {
          if (!t.due().isAfter(now)) {
            timers.remove(t);
            due.add(t);
          }
        }
      }
      for (Timer t : due) {
        if (!t.handle().isDone()) {
          t.action().run();
        }
      }
    }
  }

  private final ManualClock clock = new ManualClock();
  private final InMemoryBroker broker = new InMemoryBroker(clock);
  private final InMemoryTransport transport = new InMemoryTransport(broker);

  @AfterEach
  void close() {
    transport.close();
    broker.close();
  }

  private static Message message(String body) {
    return Message.of(body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  @Test
  void messagesNobodyConsumesAreAtRestButHandedOutOnesAreNot() throws Exception {
    transport.declareQueue(QueueSpec.durable("orders"));
    assertThat(broker.isIdle()).isTrue();
    transport.publish("", "orders", message("one")).join();
    assertThat(broker.isIdle()).as("a queue without consumers holds it at rest").isTrue();

    LinkedBlockingQueue<Delivery> held = new LinkedBlockingQueue<>();
    transport.consume("orders", 10, held::add);
    Delivery d = held.poll(5, TimeUnit.SECONDS);
    assertThat(d).isNotNull();
    assertThat(broker.isIdle()).isFalse();
    assertThat(broker.pending())
        .containsExactly("queue 'orders': 1 delivered, not yet acknowledged");

    Thread acker = new Thread(d::ack);
    acker.start();
    assertThat(broker.awaitIdle(Duration.ofSeconds(5))).isTrue();
    acker.join();
    assertThat(broker.pending()).isEmpty();
  }

  @Test
  void aMessageTtlRunsOnTheBrokersClockAndItsDeadLetterIsNeverOutOfSight() throws Exception {
    transport.declareQueue(QueueSpec.durable("target"));
    transport.declareQueue(
        QueueSpec.durable("target.wait")
            .withArgument(QueueSpec.MESSAGE_TTL, 60_000)
            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, "target"));
    LinkedBlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    transport.consume("target", 10, got::add);
    transport.publish("", "target.wait", message("later")).join();

    clock.advance(Duration.ofSeconds(59));
    assertThat(got).isEmpty();
    assertThat(transport.queueInfo("target.wait").orElseThrow().messages()).isEqualTo(1);
    assertThat(broker.isIdle()).as("waiting for its TTL is rest").isTrue();

    clock.advance(Duration.ofSeconds(1));
    assertThat(transport.queueInfo("target.wait").orElseThrow().messages()).isZero();
    Delivery d = got.poll(5, TimeUnit.SECONDS);
    assertThat(d).isNotNull();
    assertThat(new String(d.message().body(), StandardCharsets.UTF_8)).isEqualTo("later");
    assertThat(broker.isIdle()).isFalse();
    d.ack();
    assertThat(broker.isIdle()).isTrue();
  }

  @Test
  void anUnusedQueueExpiresOnTheBrokersClock() {
    transport.declareQueue(QueueSpec.durable("brief").withArgument(QueueSpec.EXPIRES, 10_000));
    clock.advance(Duration.ofSeconds(9));
    assertThat(transport.queueInfo("brief")).isPresent();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMillis(2_500));
    }
    assertThat(transport.queueInfo("brief")).isEmpty();
  }

  @Test
  void aNamedBrokerKeepsTheClockItWasCreatedWith() {
    String name = "idle-" + UUID.randomUUID().toString().substring(0, 8);
    InMemoryBroker named = InMemoryBroker.named(name, clock);
    try {
      assertThat(InMemoryBroker.named(name, clock)).isSameAs(named);
      assertThat(InMemoryBroker.find(name)).containsSame(named);
      assertThatThrownBy(() -> InMemoryBroker.named(name))
          .isInstanceOf(WarrenException.class)
          .hasMessageContaining("the in-memory broker '" + name + "' runs on")
          .hasMessageContaining("give this instance another broker name");
    } finally {
      named.close();
    }
    assertThat(InMemoryBroker.find(name)).isEmpty();
  }
}
