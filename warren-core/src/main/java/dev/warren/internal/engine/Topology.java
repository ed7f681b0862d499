package dev.warren.internal.engine;

import dev.warren.Subscription;
import dev.warren.internal.topology.QueueDeclarer;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.WarrenHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Names and shapes of the queues behind a subscription. One place, so both transports and every
 * tool (CLI, server) agree on them.
 *
 * <ul>
 *   <li>competing: queue {@code <name>}
 *   <li>broadcast: queue {@code <name>.<instance>}, expiring when unused
 *   <li>ordered: consistent-hash exchange {@code <name>.partitions} fed from the topic exchange,
 *       queues {@code <name>.p<i>} with a single active consumer
 *   <li>all: dead-letter queue {@code <name>.dlq}; for delayed retries the tiered wait queues of
 *       {@link dev.warren.internal.delay.DelayQueues}, {@code <queue>.wait.<2^k>ms}, which
 *       dead-letter back to {@code <queue>}
 * </ul>
 *
 * <p>Queue types: the durable queues (competing and ordered subscription queues, dead-letter
 * queues, wait queues, task queues) are quorum queues when {@link QueueDeclarer#quorum()} says so,
 * with at-least-once dead-lettering where they dead-letter and a delivery limit where they are
 * consumed; a broadcast queue of one instance stays classic (it expires, and a quorum queue's
 * expiry is not renewed by declaring it again). Each also accepts the shape earlier versions
 * declared, so an existing classic queue keeps working.
 */
public final class Topology {
  /**
   * How long a broadcast queue outlives its instance: long enough to ride out a reconnect, short
   * enough that queues of instances that are gone do not pile up.
   */
  public static final Duration BROADCAST_QUEUE_EXPIRY = Duration.ofMinutes(1);

  /** Header the partition exchange hashes: the partition key, or the event id without one. */
  public static final String PARTITION_HEADER = WarrenHeaders.PARTITION;

  private Topology() {}

  /**
   * @param subscription the subscription
   * @param instanceId this instance's id
   * @return the queues this instance consumes from
   */
  public static List<String> queueNames(Subscription subscription, String instanceId) {
    return switch (subscription.mode()) {
      case COMPETING -> List.of(subscription.name());
      case BROADCAST -> List.of(subscription.name() + "." + instanceId);
      case ORDERED -> {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < subscription.partitions(); i++) {
          names.add(subscription.name() + ".p" + i);
        }
        yield names;
      }
    };
  }

  /**
   * @param subscription the subscription
   * @param instanceId this instance's id
   * @return the first (for competing and broadcast: the only) queue this instance consumes from
   */
  public static String queueName(Subscription subscription, String instanceId) {
    return queueNames(subscription, instanceId).get(0);
  }

  /**
   * @param subscription an ordered subscription
   * @return its partition exchange
   */
  public static ExchangeSpec partitionExchange(Subscription subscription) {
    return new ExchangeSpec(
        subscription.name() + ".partitions",
        ExchangeSpec.ExchangeType.CONSISTENT_HASH,
        true,
        Map.of(ExchangeSpec.HASH_HEADER, PARTITION_HEADER));
  }

  /**
   * @param subscription the subscription
   * @param queue one of its queue names for this instance
   * @return the queue's declaration
   */
  public static QueueSpec queueSpec(Subscription subscription, String queue) {
    QueueSpec spec =
        QueueSpec.durable(queue)
            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, subscription.deadLetterQueue())
            .withArgument(QueueSpec.QUEUE_TYPE, queueType(subscription));
    if (subscription.mode() == Subscription.Mode.BROADCAST) {
      spec = spec.withArgument(QueueSpec.EXPIRES, BROADCAST_QUEUE_EXPIRY.toMillis());
    }
    if (subscription.mode() == Subscription.Mode.ORDERED) {
      spec = spec.withArgument(QueueSpec.SINGLE_ACTIVE_CONSUMER, true);
    }
    return spec;
  }

  /**
   * @param subscription the subscription
   * @return its dead-letter queue's declaration
   */
  public static QueueSpec deadLetterQueueSpec(Subscription subscription) {
    return QueueSpec.durable(subscription.deadLetterQueue())
        .withArgument(QueueSpec.QUEUE_TYPE, queueType(subscription));
  }

  /**
   * Declares one of a subscription's queues with the type it should have.
   *
   * @param declarer the queue type policy and the transport
   * @param subscription the subscription
   * @param queue one of its queue names for this instance
   * @return the declaration in use
   */
  public static QueueSpec declareQueue(
      QueueDeclarer declarer, Subscription subscription, String queue) {
    QueueSpec classic = queueSpec(subscription, queue);
    QueueSpec quorum = withoutType(classic).asQuorum(declarer.deliveryLimit());
    boolean oneInstance = subscription.mode() == Subscription.Mode.BROADCAST;
    return declare(declarer, subscription, quorum, classic, oneInstance);
  }

  /**
   * Declares a subscription's dead-letter queue with the type it should have. It has no delivery
   * limit: it does not dead-letter, so a limit would drop messages read and put back often.
   *
   * @param declarer the queue type policy and the transport
   * @param subscription the subscription
   * @return the declaration in use
   */
  public static QueueSpec declareDeadLetterQueue(
      QueueDeclarer declarer, Subscription subscription) {
    QueueSpec classic = deadLetterQueueSpec(subscription);
    QueueSpec quorum = QueueSpec.durable(subscription.deadLetterQueue()).asQuorum(0);
    // why: even a broadcast subscription has one dead-letter queue, shared and lasting
    return declare(declarer, subscription, quorum, classic, false);
  }

  /**
   * @param oneInstance whether the queue belongs to one instance (a broadcast queue): classic
   *     unless the subscription asks for quorum
   */
  private static QueueSpec declare(
      QueueDeclarer declarer,
      Subscription subscription,
      QueueSpec quorum,
      QueueSpec classic,
      boolean oneInstance) {
    // the shape of this queue before quorum queues were the default: its type as the
    // subscription said, classic unless QUORUM
    QueueSpec earlierQuorum = classic.withArgument(QueueSpec.QUEUE_TYPE, "quorum");
    QueueSpec earlierClassic = classic.withArgument(QueueSpec.QUEUE_TYPE, "classic");
    boolean wantQuorum =
        declarer.quorum(subscription.queueType())
            && !(oneInstance && subscription.queueType() == Subscription.QueueType.AUTO);
    return switch (subscription.queueType()) {
      case QUORUM -> declarer.declare(quorum, earlierQuorum);
      case CLASSIC -> declarer.declare(earlierClassic);
      case AUTO ->
          wantQuorum
              ? declarer.declare(quorum, earlierQuorum, earlierClassic)
              : declarer.declare(earlierClassic, quorum, earlierQuorum);
    };
  }

  private static QueueSpec withoutType(QueueSpec spec) {
    java.util.Map<String, Object> args = new java.util.LinkedHashMap<>(spec.arguments());
    args.remove(QueueSpec.QUEUE_TYPE);
    return new QueueSpec(spec.name(), spec.durable(), spec.exclusive(), spec.autoDelete(), args);
  }

  private static String queueType(Subscription subscription) {
    return subscription.queueType() == Subscription.QueueType.QUORUM ? "quorum" : "classic";
  }
}
