package dev.warren.transport;

/** A consumer registered with {@link Transport#consume}. */
public interface ConsumerHandle extends AutoCloseable {
  /**
   * @return whether the consumer is registered with the broker right now (false while the
   *     connection is down or after cancel)
   */
  boolean isActive();

  /**
   * Cancels the consumer. Deliveries already handed over stay valid and must still be acked or
   * rejected; the broker requeues those that are not.
   */
  void cancel();

  /**
   * Cancels the consumer and gives every delivery it holds and has not settled back to the queue in
   * one step, in their original order, as a closed channel does. Used to hand a single-active-
   * consumer queue to the next consumer without letting later messages overtake earlier ones.
   */
  default void abort() {
    cancel();
  }

  @Override
  default void close() {
    cancel();
  }
}
