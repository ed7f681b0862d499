package dev.warren.internal.engine;

import dev.warren.Subscription;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.WarrenHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  private static String queueType(Subscription subscription) {
    return subscription.queueType().name().toLowerCase(Locale.ROOT);
  }
}
