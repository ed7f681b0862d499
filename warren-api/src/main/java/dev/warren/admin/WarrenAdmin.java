package dev.warren.admin;

import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.tasks.TaskStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Operates the broker and the task store behind a {@link dev.warren.Warren} instance: what Warren's
 * server, CLI and web console do, available to any application. Obtained from {@link
 * dev.warren.Warren#admin()}; thread-safe; every call goes to the broker or the store, nothing is
 * cached.
 *
 * <pre>{@code
 * WarrenAdmin admin = warren.admin();
 * admin.declareQueue(QueueDefinition.durable("audit").binding("order.#").maxLength(100_000).build());
 * admin.peek("audit", 10).forEach(m -> System.out.println(m.routingKey()));
 * admin.purgeQueue("audit");
 * }</pre>
 *
 * <p>Names are checked before anything is sent: an invalid name fails with {@link
 * InvalidInputException}, a queue that does not exist with {@link QueueNotFoundException}.
 */
public interface WarrenAdmin {

  // --- queues

  /**
   * Lists the queues of the broker (the RabbitMQ virtual host, or the embedded broker), Warren's
   * own and any other.
   *
   * @return every queue, sorted by name
   * @throws dev.warren.WarrenException when the broker cannot list its queues (on RabbitMQ the
   *     management API is needed; the message says which URL was tried)
   */
  List<QueueInfo> queues();

  /**
   * Looks at one queue. Its ready and consumer counts are exact; on RabbitMQ its unacknowledged
   * count, arguments and rates come from the management API (a few seconds old; unknown without
   * it).
   *
   * @param name a queue name ({@code amq.} names of queues the broker named are accepted)
   * @return the queue's counts and settings, or empty when it does not exist
   * @throws InvalidInputException when the name is not a valid queue name
   */
  Optional<QueueInfo> queue(String name);

  /**
   * Declares a queue and binds it to Warren's event exchange with the definition's patterns.
   * Declaring an existing queue with the same settings changes nothing. A dead-letter queue the
   * definition names is declared too (durable, classic) when it does not exist, so that what the
   * broker dead-letters is kept.
   *
   * @param definition the queue
   * @return the queue as the broker now has it, and whether this call created it
   * @throws dev.warren.TopologyMismatchException when the queue exists with other settings
   */
  QueueDeclared declareQueue(QueueDefinition definition);

  /**
   * Removes every ready message from a queue (unacknowledged ones stay with their consumers).
   *
   * @param name the queue
   * @return how many messages were removed
   * @throws QueueNotFoundException when it does not exist
   */
  long purgeQueue(String name);

  /**
   * Moves every ready message of a queue to another, in order, through the default exchange: each
   * is taken, published to the target, and removed from the source only once the broker confirmed
   * it there, so a failure part-way loses nothing (a message may then be in both). Messages that
   * arrive meanwhile are moved too. Used to move a queue's messages into a queue of another type
   * (README, "Quorum queues").
   *
   * @param from the queue to empty
   * @param to the queue receiving the messages; it must exist
   * @return how many messages were moved
   * @throws QueueNotFoundException when either queue does not exist
   * @throws dev.warren.InvalidInputException when both are the same queue
   */
  long moveMessages(String from, String to);

  /**
   * Deletes a queue with its messages.
   *
   * @param name the queue
   * @return whether it existed
   */
  boolean deleteQueue(String name);

  /**
   * Looks at the first messages of a queue without taking them: each is fetched, then returned to
   * the queue in its original order (RabbitMQ marks it redelivered).
   *
   * @param name the queue
   * @param limit how many at most, 1 to 1000
   * @return the messages, oldest first
   * @throws QueueNotFoundException when it does not exist
   */
  List<QueuedMessage> peek(String name, int limit);

  /**
   * Sends an event straight to one queue (through the default exchange), bypassing the event
   * exchange's routing. The future completes when the broker confirmed it.
   *
   * @param name the queue
   * @param event the event
   * @return completes with the event once the broker confirmed it
   * @throws QueueNotFoundException when the queue does not exist
   */
  CompletableFuture<Event> send(String name, Event event);

  // --- subscriptions

  /**
   * Lists the subscriptions found on the broker (by their queues and dead-letter queues) together
   * with those running in this instance, with their depth, consumers, rates and dead letters. A
   * subscription {@code <name>} is found by its dead-letter queue {@code <name>.dlq}; its queues
   * are those that dead-letter there. The patterns are known only for subscriptions running here
   * (the broker's bindings are not read). On RabbitMQ the figures come from the management API's
   * listing, a few seconds old.
   *
   * @return every subscription, sorted by name
   * @throws dev.warren.WarrenException when the broker cannot list its queues
   */
  List<SubscriptionInfo> subscriptions();

  /**
   * Looks at one subscription, as {@link #subscriptions()} does, with the exact ready and consumer
   * counts of each of its queues.
   *
   * @param name a subscription name
   * @return the subscription, or empty when the broker has none of that name
   * @throws InvalidInputException when the name is not a valid subscription name
   */
  Optional<SubscriptionInfo> subscription(String name);

  /**
   * Deletes a subscription from the broker: its queues (every broadcast instance's and every
   * partition's), its wait queues, its dead-letter queue and their messages. A subscription running
   * in this instance is stopped first; consumers elsewhere lose their queue.
   *
   * <p>An ordered subscription's partition exchange stays (the transport deletes no exchanges);
   * without queues bound to it, it routes nothing.
   *
   * @param name the subscription
   * @return the queues deleted; empty when there was no such subscription
   * @throws InvalidInputException when the name is not a valid subscription name
   */
  List<String> deleteSubscription(String name);

  /**
   * The dead-letter queue of a subscription, to inspect, replay or purge.
   *
   * @param subscription the subscription name
   * @return its dead letters
   * @throws QueueNotFoundException when it has no dead-letter queue
   */
  DeadLetters deadLetters(String subscription);

  // --- tasks

  /**
   * Lists tasks from the task store, most recently changed first.
   *
   * @param query which tasks
   * @return the matching tasks, at most the query's limit
   * @throws dev.warren.WarrenException when the task store cannot list tasks
   */
  List<TaskStatus> tasks(TaskQuery query);

  /**
   * @return every declared task limit with its use now, by task name
   * @throws InvalidInputException when the task store cannot keep limits
   */
  List<dev.warren.tasks.TaskLimitUsage> taskLimits();

  /**
   * @param id a task id
   * @return its latest status, or empty when the store does not know it
   * @throws InvalidInputException when the id is blank
   */
  Optional<TaskStatus> task(String id);
}
