package dev.warren.examples;

import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.internal.engine.Topology;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the examples need from below the public API: the queues behind a subscription, to delete
 * them when an example is done (so a rerun on a real broker starts clean), and the subscriptions an
 * instance holds, to show that a publisher-only process consumes nothing.
 *
 * <p>why: applications never delete their subscriptions' queues (a competing queue collects events
 * while its consumers are away), so the public API has no call for it; the examples are Warren's
 * own tools and use the engine's transport, as the CLI does.
 */
public final class ExampleQueues {
  /** Every wait-queue delay a task retry or countdown may use: 16 ms to 2^31 ms, powers of two. */
  private static final int FIRST_TIER = 4;

  private static final int LAST_TIER = 31;

  private ExampleQueues() {}

  /**
   * @param warren an instance
   * @return the subscriptions it consumes right now; empty for a publisher-only instance
   */
  public static List<SubscriptionHandle> subscriptions(Warren warren) {
    return warren instanceof WarrenEngine engine ? engine.subscriptions() : List.of();
  }

  /**
   * @param subscription a subscription
   * @param instanceId the instance subscribed to it
   * @return the queues that instance consumes for it (one; one per partition when ordered)
   */
  public static List<String> queues(Subscription subscription, String instanceId) {
    return Topology.queueNames(subscription, instanceId);
  }

  /**
   * Deletes the queues of a competing or ordered subscription, its dead-letter queue and the wait
   * queues of its retry delays. Idempotent.
   *
   * @param via any instance on the broker
   * @param subscription the subscription
   * @throws IllegalArgumentException for a broadcast subscription, whose queues are per instance
   */
  public static void delete(Warren via, Subscription subscription) {
    if (subscription.mode() == Subscription.Mode.BROADCAST) {
      throw new IllegalArgumentException(
          subscription + " is a broadcast: name the instances whose queues to delete");
    }
    delete(via, subscription, List.of("any"));
  }

  /**
   * Deletes the queues of a subscription: those of every instance named, its dead-letter queue and
   * the wait queues of its retry delays. Idempotent.
   *
   * @param via any instance on the broker
   * @param subscription the subscription
   * @param instanceIds the instances that subscribed to it (broadcast queues are per instance)
   */
  public static void delete(Warren via, Subscription subscription, Collection<String> instanceIds) {
    transport(via)
        .ifPresent(
            t -> {
              List<String> queues = new ArrayList<>();
              for (String instance : instanceIds) {
                for (String q : queues(subscription, instance)) {
                  if (!queues.contains(q)) {
                    queues.add(q);
                  }
                }
              }
              for (String q : queues) {
                for (Duration delay : subscription.retry().delays()) {
                  t.deleteQueue(Topology.waitQueueSpec(subscription, q, delay).name());
                }
                t.deleteQueue(q);
              }
              t.deleteQueue(subscription.deadLetterQueue());
            });
  }

  /**
   * Deletes a task queue and the wait queues its countdowns and retry delays may have used.
   * Idempotent.
   *
   * @param via any instance on the broker
   * @param queue the task queue
   */
  public static void deleteTaskQueue(Warren via, String queue) {
    transport(via)
        .ifPresent(
            t -> {
              for (int tier = FIRST_TIER; tier <= LAST_TIER; tier++) {
                t.deleteQueue(queue + ".wait." + (1L << tier) + "ms");
              }
              t.deleteQueue(queue);
            });
  }

  private static Optional<Transport> transport(Warren warren) {
    return warren instanceof WarrenEngine engine
        ? Optional.of(engine.transport())
        : Optional.empty();
  }
}
