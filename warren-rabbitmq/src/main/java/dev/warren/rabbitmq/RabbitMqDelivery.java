package dev.warren.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Envelope;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message received on a channel, settled with {@code basic.ack} or {@code basic.reject} on that
 * channel from any thread, once.
 *
 * <p>A delivery from before a connection loss cannot be settled any more: the broker returned it to
 * its queue when the connection dropped and delivers it again. Its ack is dropped instead of being
 * sent with a delivery tag that means another message, or nothing, on the recovered channel.
 */
final class RabbitMqDelivery implements Delivery {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqDelivery.class);

  private final Channel channel;
  private final long tag;
  private final String exchange;
  private final String routingKey;
  private final boolean redelivered;
  private final Message message;
  private final String queue;
  private final long epoch;
  private final LongSupplier currentEpoch;
  private final Runnable onSettled;
  private final AtomicBoolean settled = new AtomicBoolean();

  /**
   * @param channel the channel it arrived on
   * @param envelope its envelope
   * @param message the message
   * @param queue the queue it came from, for logs
   * @param currentEpoch counts connection losses
   * @param onSettled runs once it is acked or rejected
   */
  RabbitMqDelivery(
      Channel channel,
      Envelope envelope,
      Message message,
      String queue,
      LongSupplier currentEpoch,
      Runnable onSettled) {
    this.channel = channel;
    this.tag = envelope.getDeliveryTag();
    this.exchange = envelope.getExchange();
    this.routingKey = envelope.getRoutingKey();
    this.redelivered = envelope.isRedeliver();
    this.message = message;
    this.queue = queue;
    this.currentEpoch = currentEpoch;
    this.epoch = currentEpoch.getAsLong();
    this.onSettled = onSettled;
  }

  @Override
  public Message message() {
    return message;
  }

  @Override
  public String exchange() {
    return exchange;
  }

  @Override
  public String routingKey() {
    return routingKey;
  }

  @Override
  public boolean redelivered() {
    return redelivered;
  }

  @Override
  public void ack() {
    settle(true, false);
  }

  @Override
  public void reject(boolean requeue) {
    settle(false, requeue);
  }

  private void settle(boolean ack, boolean requeue) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    try {
      if (epoch != currentEpoch.getAsLong()) {
        log.debug(
            "delivery {} from queue '{}' predates a connection loss; the broker redelivers it",
            tag,
            queue);
      } else if (ack) {
        channel.basicAck(tag, false);
      } else {
        channel.basicReject(tag, requeue);
      }
    } catch (IOException | RuntimeException e) {
      // why: the channel or connection is gone, and with it the broker's record of this delivery;
      // it is back in its queue and will be delivered again
      log.debug(
          "could not settle delivery {} from queue '{}': {}", tag, queue, BrokerErrors.reason(e));
    } finally {
      onSettled.run();
    }
  }
}
