package dev.warren;

/** A running subscription in this instance. Closing it stops this instance's consumer only. */
public interface SubscriptionHandle extends AutoCloseable {
  /**
   * @return the subscription
   */
  Subscription subscription();

  /**
   * @return the queue this instance consumes from
   */
  String queue();

  /**
   * @return whether the consumer is registered with the broker right now
   */
  boolean isActive();

  /**
   * Stops consuming, lets in-flight handlers finish and returns prefetched events to the queue. The
   * queue and its bindings stay, so a competing subscription keeps collecting events.
   */
  @Override
  void close();
}
