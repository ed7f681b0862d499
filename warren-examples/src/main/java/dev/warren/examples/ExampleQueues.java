package dev.warren.examples;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.admin.WarrenAdmin;

/**
 * Cleans up after an example, so a rerun on a real broker starts clean: the queues behind its
 * subscriptions and its task queue, deleted through the operator API ({@link Warren#admin()}).
 *
 * <p>why: applications never delete their subscriptions' queues (a competing queue collects events
 * while its consumers are away); the examples are demonstrations that must leave nothing behind.
 */
public final class ExampleQueues {
  /** Every wait-queue delay a task retry or countdown may use: 16 ms to 2^31 ms, powers of two. */
  private static final int FIRST_TIER = 4;

  private static final int LAST_TIER = 31;

  private ExampleQueues() {}

  /**
   * Deletes a subscription's queues (every broadcast instance's and every partition's), its wait
   * queues and its dead-letter queue. Idempotent.
   *
   * @param via any instance on the broker
   * @param subscription the subscription
   */
  public static void delete(Warren via, Subscription subscription) {
    via.admin().deleteSubscription(subscription.name());
  }

  /**
   * Deletes a task queue and the wait queues its countdowns and retry delays may have used.
   * Idempotent.
   *
   * @param via any instance on the broker
   * @param queue the task queue
   */
  public static void deleteTaskQueue(Warren via, String queue) {
    WarrenAdmin admin = via.admin();
    // why: the admin API has no call for a task queue's wait queues, which are named
    // <queue>.wait.<ms>ms, one per power of two a delay may round to
    for (String wait : waitQueueNames(queue)) {
      admin.deleteQueue(wait);
    }
    admin.deleteQueue(queue);
  }

  /**
   * @param queue a subscription's or task queue's queue
   * @return the wait queues its retries, countdowns and ETAs may use: {@code <queue>.wait.<ms>ms},
   *     one per power of two a delay may round to
   */
  public static java.util.List<String> waitQueueNames(String queue) {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int tier = FIRST_TIER; tier <= LAST_TIER; tier++) {
      names.add(queue + ".wait." + (1L << tier) + "ms");
    }
    return names;
  }
}
