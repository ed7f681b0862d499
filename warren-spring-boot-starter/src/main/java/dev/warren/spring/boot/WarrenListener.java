package dev.warren.spring.boot;

import dev.warren.Subscription;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method a subscriber: the starter subscribes it once the application context is ready
 * and stops it, letting running calls finish, when the context closes.
 *
 * <pre>{@code
 * @Component
 * class Billing {
 *   @WarrenListener(subscription = "billing", pattern = "order.*")
 *   Invoice bill(OrderPlaced order, Event event) {   // published, caused by the order event
 *     return new Invoice(order.id(), order.total());
 *   }
 * }
 * }</pre>
 *
 * <p><b>Parameters</b> are resolved by type: {@link dev.warren.Event} is the event, {@link
 * Subscription} the subscription; one parameter of any other type receives the event's data decoded
 * as that type with the application's mapper (data that cannot be decoded is dead-lettered at once,
 * never retried).
 *
 * <p><b>Return value.</b> A {@code void} method just handles. What another method returns is the
 * reply to a requester ({@link dev.warren.Warren#request}); and when it is an {@link
 * dev.warren.Event} or an object whose class carries {@link dev.warren.EventType}, it is also
 * published as an event caused by (and correlated with) the one handled, and the incoming event is
 * acknowledged only after the broker confirmed it. {@code null} publishes nothing.
 *
 * <p>A failure (an exception thrown by the method) is retried as {@link #retry} says, then
 * dead-lettered. Every text attribute may hold {@code ${…}} placeholders, resolved from the
 * environment.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WarrenListener {
  /**
   * @return the subscription's name, which names its queue
   */
  String subscription();

  /**
   * @return the topic patterns of the event types to receive ({@code order.*}, {@code #})
   */
  String[] pattern();

  /**
   * @return competing (instances share the events), broadcast (every instance gets each event) or
   *     ordered (events of one partition key in order)
   */
  Subscription.Mode mode() default Subscription.Mode.COMPETING;

  /**
   * @return for an ordered subscription, the number of partitions; empty for Warren's default
   */
  String partitions() default "";

  /**
   * @return how many events this instance handles at once; empty for Warren's default
   */
  String concurrency() default "";

  /**
   * @return how many unacknowledged events the broker sends ahead; empty for {@code
   *     warren.rabbitmq.prefetch}
   */
  String prefetch() default "";

  /**
   * @return the type of the subscription's queues; {@code AUTO} for {@code warren.queue-type}
   */
  Subscription.QueueType queueType() default Subscription.QueueType.AUTO;

  /**
   * @return whether to skip events whose id this subscription has handled recently
   */
  boolean deduplicate() default false;

  /**
   * @return {@code false} to send a failing event to the dead-letter queue at once
   */
  boolean retry() default true;

  /**
   * @return immediate retries after a failure, before the delayed ones; empty for Warren's default
   */
  String immediateRetries() default "";

  /**
   * @return the waits before each delayed retry, as {@code 5s}, {@code 1m}, {@code PT1H}; empty for
   *     Warren's default
   */
  String[] retryDelays() default {};

  /**
   * @return exceptions (and their subclasses) that skip the retries
   */
  Class<? extends Throwable>[] nonRetryable() default {};
}
