package dev.warren.internal.engine;

import dev.warren.Subscription;
import dev.warren.transport.QueueSpec;
import java.time.Duration;
import java.util.Locale;

/**
 * Names and shapes of the queues behind a subscription. One place, so both transports and every
 * tool (CLI, server) agree on them.
 */
public final class Topology {
  /**
   * How long a broadcast queue outlives its instance: long enough to ride out a reconnect, short
   * enough that queues of instances that are gone do not pile up.
   */
  public static final Duration BROADCAST_QUEUE_EXPIRY = Duration.ofMinutes(1);

  private Topology() {}

  /**
   * @param subscription the subscription
   * @param instanceId this instance's id
   * @return the queue this instance consumes from
   */
  public static String queueName(Subscription subscription, String instanceId) {
    return subscription.mode() == Subscription.Mode.BROADCAST
        ? subscription.name() + "." + instanceId
        : subscription.name();
  }

  /**
   * @param subscription the subscription
   * @param queue its queue name for this instance
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
