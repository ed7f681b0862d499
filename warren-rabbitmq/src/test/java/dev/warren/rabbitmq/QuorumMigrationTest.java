package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.TopologyMismatchException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.WarrenAdmin;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.WarrenOnTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's steps to move a subscription from a classic queue to a quorum queue, on a real
 * RabbitMQ: every waiting event arrives, once and in order, on the new quorum queue.
 */
@Timeout(value = 120, unit = SECONDS)
class QuorumMigrationTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  private WarrenOptions options(Subscription.QueueType type, String instance) {
    return broker
        .options()
        .connectTimeout(Duration.ofSeconds(10))
        .shutdownTimeout(Duration.ofSeconds(2))
        .queueType(type)
        .instanceId(instance)
        .build();
  }

  private static Warren start(WarrenOptions options) {
    return WarrenOnTransport.start(options, RabbitMqTransport.connect(options));
  }

  @Test
  void aClassicSubscriptionQueueMovesToAQuorumQueueWithoutLosingAnEvent() throws Exception {
    Subscription orders = Subscription.named("orders").pattern("order.#");
    List<String> published = new ArrayList<>();
    // an earlier deployment: classic queues, its instances now stopped, events waiting
    try (Warren old = start(options(Subscription.QueueType.CLASSIC, "old"))) {
      old.subscribe(orders, e -> {}).close();
      for (int i = 0; i < 50; i++) {
        published.add(old.publish("order.placed", Map.of("n", i)).join().id());
      }
    }
    try (Warren w = start(options(Subscription.QueueType.AUTO, "ops"))) {
      WarrenAdmin admin = w.admin();
      assertThat(admin.queue("orders").orElseThrow().messages()).isEqualTo(50);

      // 1. a holding queue, 2. the waiting events into it, 3. the classic queue deleted
      admin.declareQueue(QueueDefinition.durable("orders.migrating").build());
      assertThat(admin.moveMessages("orders", "orders.migrating")).isEqualTo(50);
      assertThat(admin.deleteQueue("orders")).isTrue();

      // 4. the new version subscribes: a quorum queue; 5. the events back into it
      List<String> received = new CopyOnWriteArrayList<>();
      try (Warren next = start(options(Subscription.QueueType.AUTO, "next"))) {
        next.subscribe(orders, (Event e) -> received.add(e.id()));
        assertThat(admin.moveMessages("orders.migrating", "orders")).isEqualTo(50);
        assertThat(admin.deleteQueue("orders.migrating")).isTrue();
        // a new event published after the move comes after the moved ones
        published.add(next.publish("order.placed", Map.of("n", 50)).join().id());
        await().atMost(30, SECONDS).until(() -> received.size() >= 51);
        assertThat(received).containsExactlyElementsOf(published);
      }

      // the queue is a quorum queue now: a classic declaration of it is refused
      try (RabbitMqTransport t =
          RabbitMqTransport.connect(options(Subscription.QueueType.AUTO, "check"))) {
        t.declareQueue(
            QueueSpec.durable("orders")
                .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
                .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, "orders.dlq")
                .asQuorum(20));
        assertThatThrownBy(
                () ->
                    t.declareQueue(
                        QueueSpec.durable("orders")
                            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
                            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, "orders.dlq")
                            .withArgument(QueueSpec.QUEUE_TYPE, "classic")))
            .isInstanceOf(TopologyMismatchException.class);
      }
    }
  }
}
