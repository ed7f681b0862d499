package dev.warren.rabbitmq.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.BrokerUnavailableException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.rabbitmq.tls.TlsNode;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A disk alarm on a broker of the tests' own ({@code .ci/rabbitmq-tls}'s node, its plain AMQP port;
 * never the default broker): publishes fail at their publish timeout naming the alarm, none
 * succeeds without its confirm, {@code blocked()} says why, consumers go on, and once the alarm
 * clears publishing works again, including a publish that waited through the end of the alarm.
 */
class ResourceAlarmTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final List<RabbitMqTransport> transports = new ArrayList<>();
  private final String queue = "warren.alarm." + UUID.randomUUID().toString().substring(0, 8);
  private boolean raised;

  @BeforeEach
  void node() {
    TlsNode.require();
  }

  @AfterEach
  void clear() {
    if (raised) {
      clearAlarm();
    }
    for (RabbitMqTransport t : transports) {
      try {
        t.deleteQueue(queue);
      } catch (RuntimeException ignored) {
        // gone with the test
      }
      t.close();
    }
  }

  private RabbitMqTransport connect(Duration publishTimeout) {
    RabbitMqTransport t =
        RabbitMqTransport.connect(
            WarrenOptions.builder()
                .rabbitmqUri("amqp://guest:guest@127.0.0.1:" + TlsNode.AMQP_PORT)
                .publishTimeout(publishTimeout)
                .shutdownTimeout(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    transports.add(t);
    t.declareQueue(QueueSpec.durable(queue));
    return t;
  }

  private void raiseAlarm() {
    raised = true;
    TlsNode.ctl("set_disk_free_limit", "1000GB");
  }

  private void clearAlarm() {
    TlsNode.ctl("set_disk_free_limit", "50MB");
    raised = false;
  }

  private static Message message(String text) {
    return Message.of(text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** How long the publish took to fail, after checking that it failed naming the alarm. */
  private static Duration failsNamingTheAlarm(CompletableFuture<Void> publish, long startNanos)
      throws InterruptedException, TimeoutException {
    try {
      publish.get(TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
      throw new AssertionError("a publish succeeded while the broker blocked publishing");
    } catch (ExecutionException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      assertThat(e.getCause())
          .isInstanceOf(BrokerUnavailableException.class)
          .hasMessageContaining("blocked publishing: low on disk (resource alarm)")
          .hasMessageContaining("nothing was confirmed within 3 s");
      return took;
    }
  }

  @Test
  void publishesFailAtTheirTimeoutNamingTheAlarmAndWorkAgainOnceItClears() throws Exception {
    RabbitMqTransport t = connect(TIMEOUT);
    t.publish("", queue, message("before")).get(10, TimeUnit.SECONDS);
    assertThat(t.blocked()).isEmpty();

    raiseAlarm();
    // why: RabbitMQ blocks a connection once it publishes during the alarm, so this one is written
    long start = System.nanoTime();
    Duration first = failsNamingTheAlarm(t.publish("", queue, message("first")), start);
    assertThat(t.blocked()).contains("low on disk");
    assertThat(t.describe()).endsWith(", publishing blocked by the broker: low on disk");

    // while blocked: nothing is written, each publish fails at its own timeout
    start = System.nanoTime();
    List<CompletableFuture<Void>> during = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      during.add(t.publish("", queue, message("during " + i)));
    }
    List<Duration> took = new ArrayList<>();
    for (CompletableFuture<Void> f : during) {
      took.add(failsNamingTheAlarm(f, start));
    }
    System.out.printf(
        "alarm: first publish failed after %d ms, 20 blocked ones after %d-%d ms%n",
        first.toMillis(),
        took.stream().mapToLong(Duration::toMillis).min().orElseThrow(),
        took.stream().mapToLong(Duration::toMillis).max().orElseThrow());
    assertThat(first).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusSeconds(2));
    assertThat(took).allSatisfy(d -> assertThat(d).isBetween(TIMEOUT, TIMEOUT.plusSeconds(2)));

    // consumers' connection is not blocked: inspecting and getting go on
    assertThat(t.queueInfo(queue)).isPresent();

    clearAlarm();
    await().atMost(Duration.ofSeconds(20)).until(() -> t.blocked().isEmpty());
    t.publish("", queue, message("after")).get(10, TimeUnit.SECONDS);
    // "before" and "after" were confirmed; what failed may have reached the queue too
    assertThat(t.queueInfo(queue).orElseThrow().messages()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aPublishStuckInASocketWriteFailsAtItsTimeoutAndCloseDoesNotHang() throws Exception {
    RabbitMqTransport t = connect(TIMEOUT);
    t.publish("", queue, message("before")).get(10, TimeUnit.SECONDS);
    raiseAlarm();
    // why: 48 MB do not fit in the TCP buffers of a connection the broker stopped reading, so the
    // write blocks until the alarm clears
    long start = System.nanoTime();
    CompletableFuture<Void> big = t.publish("", queue, Message.of(new byte[48 << 20], Map.of()));
    Duration took = failsNamingTheAlarm(big, start);
    System.out.printf("alarm: a publish stuck in its write failed after %d ms%n", took.toMillis());
    assertThat(took).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusSeconds(2));

    long closing = System.nanoTime();
    CompletableFuture<Void> closed = CompletableFuture.runAsync(t::close);
    closed.get(30, TimeUnit.SECONDS);
    System.out.printf(
        "alarm: close with a stuck write took %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing));
    transports.remove(t);
  }

  @Test
  void warrenPublishFailsAtItsTimeoutAndSaysItIsBlocked() throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .rabbitmqUri("amqp://guest:guest@127.0.0.1:" + TlsNode.AMQP_PORT)
            .exchange("warren.alarm.events")
            .publishTimeout(TIMEOUT)
            .shutdownTimeout(Duration.ofSeconds(1))
            .build();
    try (Warren warren = Warren.create(options)) {
      warren.publish("alarm.before", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
      raiseAlarm();
      for (int i = 0; i < 2; i++) {
        long start = System.nanoTime();
        CompletableFuture<?> publish = warren.publish("alarm.during", Map.of("n", i));
        try {
          publish.get(TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
          throw new AssertionError("Warren.publish succeeded while the broker blocked publishing");
        } catch (ExecutionException e) {
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertThat(e.getCause())
              .isInstanceOf(BrokerUnavailableException.class)
              .hasMessageContaining("blocked publishing: low on disk (resource alarm)");
          assertThat(took).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusSeconds(2));
        }
      }
      assertThat(warren.blocked()).contains("low on disk");
      clearAlarm();
      await().atMost(Duration.ofSeconds(20)).until(() -> warren.blocked().isEmpty());
      warren.publish("alarm.after", Map.of("n", 2)).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPublishWaitingWhenTheAlarmClearsSucceedsWithItsConfirm() throws Exception {
    RabbitMqTransport t = connect(Duration.ofSeconds(60));
    t.publish("", queue, message("before")).get(10, TimeUnit.SECONDS);
    raiseAlarm();
    CompletableFuture<Void> first = t.publish("", queue, message("first"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> t.blocked().equals(Optional.of("low on disk")));
    CompletableFuture<Void> waiting = t.publish("", queue, message("waiting"));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !waiting.isDone());
    assertThat(first).isNotDone();

    clearAlarm();
    waiting.get(20, TimeUnit.SECONDS);
    first.get(20, TimeUnit.SECONDS);
    assertThat(t.blocked()).isEmpty();
    assertThat(t.queueInfo(queue).orElseThrow().messages()).isEqualTo(3);
  }
}
