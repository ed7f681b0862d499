package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import dev.warren.BrokerUnavailableException;
import dev.warren.WarrenOptions;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connection loss and broker restarts, on a real broker. */
@Timeout(value = 120, unit = SECONDS)
class RabbitMqRecoveryTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(open);
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private RabbitMqTransport connect(UnaryOperator<WarrenOptions.Builder> options) {
    RabbitMqTransport t =
        RabbitMqTransport.connect(
            options.apply(broker.options().shutdownTimeout(Duration.ofSeconds(2))).build());
    open.add(t);
    return t;
  }

  private static Message numbered(String id) {
    return new Message(
        id, null, "text/plain", null, null, null, null, true, Map.of(), id.getBytes());
  }

  /** Records message ids and acks, except the deliveries it is told to hold. */
  private static final class Recorder {
    final Set<String> ids = ConcurrentHashMap.newKeySet();
    final List<Delivery> held = new CopyOnWriteArrayList<>();
    volatile boolean hold;

    void onDelivery(Delivery d) {
      ids.add(d.message().messageId());
      if (hold) {
        held.add(d);
      } else {
        d.ack();
      }
    }
  }

  @Test
  void consumersComeBackAfterTheConnectionsAreClosed() throws Exception {
    RabbitMqTransport t = connect(b -> b);
    t.declareQueue(QueueSpec.durable("work"));
    // why: a transient auto-delete queue disappears with the connection; it must be declared
    // again before its consumer is registered again
    t.declareQueue(new QueueSpec("scratch", false, false, true, Map.of()));
    Recorder work = new Recorder();
    Recorder scratch = new Recorder();
    ConsumerHandle workConsumer = t.consume("work", 20, work::onDelivery);
    ConsumerHandle scratchConsumer = t.consume("scratch", 20, scratch::onDelivery);
    work.hold = true;
    t.publish("", "work", numbered("held")).get(10, SECONDS);
    await().atMost(10, SECONDS).until(() -> work.held.size() == 1);
    work.hold = false;

    broker.closeAllConnections();
    await()
        .atMost(5, SECONDS)
        .pollInterval(10, MILLISECONDS)
        .until(() -> !workConsumer.isActive() || !t.isConnected());
    await().atMost(30, SECONDS).until(() -> workConsumer.isActive() && scratchConsumer.isActive());
    assertThat(t.isConnected()).isTrue();
    assertThat(t.describe()).startsWith("connected to ");

    // the delivery from before the loss cannot be settled any more, and must not break anything
    work.held.get(0).ack();

    List<CompletableFuture<Void>> confirms = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      confirms.add(t.publish("", "work", numbered("w" + i)));
      confirms.add(t.publish("", "scratch", numbered("s" + i)));
    }
    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(20, SECONDS);
    await().atMost(20, SECONDS).until(() -> work.ids.size() == 51 && scratch.ids.size() == 50);
    assertThat(work.ids).contains("held");
    assertThat(t.queueInfo("work").orElseThrow().consumers()).isEqualTo(1);
    assertThat(t.queueInfo("scratch").orElseThrow().consumers()).isEqualTo(1);
  }

  @Test
  void everyPublishConfirmedAcrossAConnectionLossIsInTheQueue() throws Exception {
    RabbitMqTransport t = connect(b -> b.confirmWindow(64).publishTimeout(Duration.ofSeconds(30)));
    t.declareQueue(QueueSpec.durable("stream"));
    List<CompletableFuture<Void>> confirms = Collections.synchronizedList(new ArrayList<>());
    Thread publisher =
        new Thread(
            () -> {
              for (int i = 0; i < 3000; i++) {
                confirms.add(t.publish("", "stream", numbered("n" + i)));
              }
            });
    publisher.start();
    await().atMost(10, SECONDS).until(() -> confirms.size() > 300);
    broker.closeAllConnections();
    publisher.join(60_000);
    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(60, SECONDS);
    assertThat(confirms).hasSize(3000);

    Set<String> stored = ConcurrentHashMap.newKeySet();
    try (RawAmqp raw = new RawAmqp(broker.uri())) {
      for (GetResponse r : raw.drain("stream")) {
        stored.add(r.getProps().getMessageId());
      }
    }
    // every confirmed message is in the queue (some maybe twice: at least once)
    for (int i = 0; i < 3000; i++) {
      assertThat(stored).contains("n" + i);
    }
  }

  @Test
  void survivesABrokerRestart() throws Exception {
    RabbitMqTransport consumerSide = connect(b -> b.instanceId("consumer"));
    RabbitMqTransport patient =
        connect(b -> b.instanceId("patient").publishTimeout(Duration.ofSeconds(60)));
    RabbitMqTransport impatient =
        connect(b -> b.instanceId("impatient").publishTimeout(Duration.ofSeconds(1)));
    consumerSide.declareQueue(QueueSpec.durable("ledger"));
    Recorder received = new Recorder();
    ConsumerHandle consumer = consumerSide.consume("ledger", 20, received::onDelivery);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      patient.publish("", "ledger", numbered("before" + i)).get(10, SECONDS);
      sent.add("before" + i);
    }
    await().atMost(10, SECONDS).until(() -> received.ids.containsAll(sent));

    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    broker.stopBroker();
    try {
      await().atMost(10, SECONDS).until(() -> !consumer.isActive());
      assertThat(consumerSide.isConnected()).isFalse();
      assertThat(consumerSide.describe())
          .isEqualTo("disconnected from " + broker.host() + ":" + broker.port() + " (recovering)");

      for (int i = 0; i < 20; i++) {
        waiting.add(patient.publish("", "ledger", numbered("during" + i)));
        sent.add("during" + i);
      }
      CompletableFuture<Void> givesUp = impatient.publish("", "ledger", numbered("lost"));
      assertThatThrownBy(() -> givesUp.get(10, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(BrokerUnavailableException.class)
          .hasMessageContaining("unavailable for 1 s");
      assertThat(waiting).noneMatch(CompletableFuture::isDone);
    } finally {
      broker.startBroker();
    }

    List<CompletableFuture<Void>> after = new ArrayList<>(waiting);
    for (int i = 0; i < 20; i++) {
      after.add(patient.publish("", "ledger", numbered("after" + i)));
      sent.add("after" + i);
    }
    CompletableFuture.allOf(after.toArray(CompletableFuture[]::new)).get(60, SECONDS);
    await().atMost(60, SECONDS).until(() -> received.ids.containsAll(sent));
    await().atMost(30, SECONDS).until(consumer::isActive);
    assertThat(consumerSide.isConnected()).isTrue();
    assertThat(received.ids).doesNotContain("lost");
  }
}
