package dev.warren.rabbitmq;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A delivery on a channel; settled once, from any thread. */
final class RabbitDelivery implements Delivery {
  private static final Logger log = LoggerFactory.getLogger(RabbitDelivery.class);

  private final Message message;
  private final String exchange;
  private final String routingKey;
  private final boolean redelivered;
  private final Channel channel;
  private final long tag;
  private final RabbitConsumer consumer;
  private final AtomicBoolean settled = new AtomicBoolean();

  RabbitDelivery(
      Message message,
      String exchange,
      String routingKey,
      boolean redelivered,
      Channel channel,
      long tag,
      RabbitConsumer consumer) {
    this.message = message;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.redelivered = redelivered;
    this.channel = channel;
    this.tag = tag;
    this.consumer = consumer;
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
      if (ack) {
        channel.basicAck(tag, false);
      } else {
        channel.basicReject(tag, requeue);
      }
    } catch (IOException | AlreadyClosedException e) {
      // why: the channel died with its connection; the broker redelivers the message, so
      // nothing is lost (at-least-once)
      log.debug("could not settle delivery {}: {}", tag, e.toString());
    } finally {
      if (consumer != null) {
        consumer.settled();
      }
    }
  }
}
