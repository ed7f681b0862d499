package dev.warren.transport;

/**
 * A copy of a message read with {@link Transport#browse}: the message itself is still in its queue,
 * so this delivery cannot be settled.
 *
 * @param message the message
 * @param exchange the exchange it was published to
 * @param routingKey the routing key it was published with
 * @param redelivered whether the queue had delivered it before
 */
public record BrowsedMessage(
    Message message, String exchange, String routingKey, boolean redelivered) implements Delivery {

  /**
   * @throws IllegalStateException always: the message was left in its queue
   */
  @Override
  public void ack() {
    throw new IllegalStateException("a browsed message stays in its queue and cannot be acked");
  }

  /**
   * @throws IllegalStateException always: the message was left in its queue
   */
  @Override
  public void reject(boolean requeue) {
    throw new IllegalStateException("a browsed message stays in its queue and cannot be rejected");
  }
}
