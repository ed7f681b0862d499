package dev.warren.transport;

/**
 * A message handed to a consumer (or taken with {@link Transport#get}), waiting for its
 * acknowledgement. Ack and reject may be called from any thread, once.
 */
public interface Delivery {
  /**
   * @return the message
   */
  Message message();

  /**
   * @return the exchange it was published to ({@code ""} for the default exchange)
   */
  String exchange();

  /**
   * @return the routing key it was published (or dead-lettered) with
   */
  String routingKey();

  /**
   * @return whether it was delivered before and not acknowledged
   */
  boolean redelivered();

  /** Acknowledges it: the broker forgets it. */
  void ack();

  /**
   * Rejects it.
   *
   * @param requeue {@code true} to put it back in its queue; {@code false} to dead-letter it per
   *     the queue's {@link QueueSpec#DEAD_LETTER_EXCHANGE} (or drop it when it has none)
   */
  void reject(boolean requeue);

  /**
   * Says that its consumer holds it on purpose until a timer of the instance's {@link
   * dev.warren.WarrenClock} fires (an ordered subscription waiting to retry it in place), or that
   * the hold ended. A broker with an idle check (the in-memory one, under a test harness's virtual
   * clock) then counts it as waiting for the clock, like a message waiting for its TTL, rather than
   * as moving; other transports ignore it. Settling it ends the hold.
   *
   * @param waiting {@code true} when the hold starts, {@code false} when it ends
   */
  default void waitingForClock(boolean waiting) {}
}
