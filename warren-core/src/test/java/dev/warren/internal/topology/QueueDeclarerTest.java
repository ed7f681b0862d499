package dev.warren.internal.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.InvalidInputException;
import dev.warren.Subscription;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenClock;
import dev.warren.WarrenOptions;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.engine.Topology;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueueDeclarerTest {
  private final InMemoryTransport memory = new InMemoryTransport(new InMemoryBroker());
  private final AtomicInteger declarations = new AtomicInteger();

  /** The in-memory transport, counting declarations, as a broker with or without quorum queues. */
  private Transport broker(boolean quorum) {
    return (Transport)
        Proxy.newProxyInstance(
            Transport.class.getClassLoader(),
            new Class<?>[] {Transport.class},
            (proxy, method, args) -> {
              if (method.getName().equals("supportsQuorumQueues")) {
                return quorum;
              }
              if (method.getName().equals("declareQueue")) {
                declarations.incrementAndGet();
              }
              try {
                return method.invoke(memory, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private Map<String, Object> arguments(String queue) {
    return memory.listQueues().stream()
        .filter(q -> q.name().equals(queue))
        .map(QueueInfo::arguments)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void autoDeclaresQuorumQueuesWhereTheBrokerSupportsThem() {
    QueueDeclarer d = new QueueDeclarer(broker(true), Subscription.QueueType.AUTO, 7);
    Subscription orders = Subscription.named("orders").pattern("order.#");
    Topology.declareDeadLetterQueue(d, orders);
    Topology.declareQueue(d, orders, "orders");

    assertThat(d.quorum()).isTrue();
    assertThat(arguments("orders"))
        .containsEntry(QueueSpec.QUEUE_TYPE, "quorum")
        .containsEntry(QueueSpec.DEAD_LETTER_STRATEGY, "at-least-once")
        .containsEntry(QueueSpec.OVERFLOW, "reject-publish")
        .containsEntry(QueueSpec.DELIVERY_LIMIT, 7)
        .containsEntry(QueueSpec.DEAD_LETTER_ROUTING_KEY, "orders.dlq");
    // the dead-letter queue has no limit: it does not dead-letter, a limit would drop
    assertThat(arguments("orders.dlq")).isEqualTo(Map.of(QueueSpec.QUEUE_TYPE, "quorum"));
  }

  @Test
  void autoStaysClassicOnABrokerWithoutQuorumQueues() {
    QueueDeclarer d = new QueueDeclarer(broker(false), Subscription.QueueType.AUTO, 20);
    Subscription orders = Subscription.named("orders").pattern("order.#");
    Topology.declareQueue(d, orders, "orders");
    new DelayQueues(d, WarrenClock.system())
        .park("orders", message(), Instant.now().plusSeconds(60))
        .join();

    assertThat(d.quorum()).isFalse();
    assertThat(arguments("orders")).containsEntry(QueueSpec.QUEUE_TYPE, "classic");
    assertThat(arguments("orders")).doesNotContainKeys(QueueSpec.DELIVERY_LIMIT);
    assertThat(arguments("orders.wait.32768ms")).doesNotContainKey(QueueSpec.QUEUE_TYPE);
  }

  @Test
  void waitQueuesAreQuorumQueuesThatDeadLetterAtLeastOnce() {
    QueueDeclarer d = new QueueDeclarer(broker(true), Subscription.QueueType.AUTO, 20);
    new DelayQueues(d, WarrenClock.system())
        .park("orders", message(), Instant.now().plusSeconds(60))
        .join();
    assertThat(arguments("orders.wait.32768ms"))
        .containsEntry(QueueSpec.QUEUE_TYPE, "quorum")
        .containsEntry(QueueSpec.DEAD_LETTER_STRATEGY, "at-least-once")
        .containsEntry(QueueSpec.OVERFLOW, "reject-publish")
        .containsEntry(QueueSpec.DEAD_LETTER_ROUTING_KEY, "orders")
        .doesNotContainKey(QueueSpec.DELIVERY_LIMIT);
  }

  @Test
  void anExistingClassicQueueIsUsedAsItIsAndNotAskedAgain() {
    Transport t = broker(true);
    QueueSpec classic = DelayQueues.spec("orders", 1024);
    t.declareQueue(classic);
    QueueDeclarer d = new QueueDeclarer(t, Subscription.QueueType.AUTO, 20);

    declarations.set(0);
    assertThat(d.declare(classic.asQuorum(0), classic)).isEqualTo(classic);
    assertThat(declarations.get()).isEqualTo(2);
    // once known, only the shape in use is declared
    assertThat(d.declare(classic.asQuorum(0), classic)).isEqualTo(classic);
    assertThat(declarations.get()).isEqualTo(3);
    assertThat(arguments(classic.name())).doesNotContainKey(QueueSpec.QUEUE_TYPE);

    // moved to a quorum queue meanwhile (README, "Quorum queues"): found again
    t.deleteQueue(classic.name());
    t.declareQueue(classic.asQuorum(0));
    assertThat(d.declare(classic.asQuorum(0), classic)).isEqualTo(classic.asQuorum(0));
  }

  @Test
  void aQueueInNoAcceptedShapeIsTheWantedDeclarationsRefusal() {
    Transport t = broker(true);
    t.declareQueue(QueueSpec.durable("odd").withArgument(QueueSpec.MAX_LENGTH, 5));
    QueueDeclarer d = new QueueDeclarer(t, Subscription.QueueType.AUTO, 20);
    assertThatThrownBy(
            () -> d.declare(QueueSpec.durable("odd").asQuorum(0), QueueSpec.durable("odd")))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining("x-queue-type")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void aSubscriptionAskingForQuorumIsNotGivenAClassicQueue() {
    Transport t = broker(true);
    Subscription orders =
        Subscription.named("orders").pattern("order.#").queueType(Subscription.QueueType.QUORUM);
    t.declareQueue(
        Topology.queueSpec(orders, "orders").withArgument(QueueSpec.QUEUE_TYPE, "classic"));
    QueueDeclarer d = new QueueDeclarer(t, Subscription.QueueType.AUTO, 20);
    assertThatThrownBy(() -> Topology.declareQueue(d, orders, "orders"))
        .isInstanceOf(TopologyMismatchException.class);
  }

  @Test
  void classicOptionDeclaresClassicQueuesOnAQuorumBroker() {
    QueueDeclarer d =
        QueueDeclarer.of(
            broker(true),
            WarrenOptions.builder().queueType(Subscription.QueueType.CLASSIC).build());
    Topology.declareQueue(d, Subscription.named("audit").pattern("#"), "audit");
    assertThat(d.quorum()).isFalse();
    assertThat(arguments("audit")).containsEntry(QueueSpec.QUEUE_TYPE, "classic");
  }

  @Test
  void theOptionsReadTheQueueTypeAndDeliveryLimit() {
    WarrenOptions o =
        WarrenOptions.fromEnvironment(
            Map.of("WARREN_QUEUE_TYPE", "Quorum", "WARREN_DELIVERY_LIMIT", "5"));
    assertThat(o.queueType()).isEqualTo(Subscription.QueueType.QUORUM);
    assertThat(o.deliveryLimit()).isEqualTo(5);
    assertThat(o.toBuilder().build().deliveryLimit()).isEqualTo(5);
    WarrenOptions defaults = WarrenOptions.fromEnvironment(Map.of());
    assertThat(defaults.queueType()).isEqualTo(Subscription.QueueType.AUTO);
    assertThat(defaults.deliveryLimit()).isEqualTo(20);
    assertThat(Subscription.named("x").queueType()).isEqualTo(Subscription.QueueType.AUTO);

    assertThatThrownBy(() -> WarrenOptions.fromEnvironment(Map.of("WARREN_QUEUE_TYPE", "stream")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_QUEUE_TYPE='stream'");
    assertThatThrownBy(() -> WarrenOptions.fromEnvironment(Map.of("WARREN_DELIVERY_LIMIT", "-1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("delivery limit -1");
  }

  @Test
  void quorumQueuesCannotBeExclusive() {
    assertThatThrownBy(() -> new QueueSpec("r", true, true, false, Map.of()).asQuorum(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("queue 'r' cannot be a quorum queue");
  }

  private static Message message() {
    return new Message(
        "m-1", "order.placed", null, null, null, null, null, true, Map.of(), new byte[0]);
  }
}
