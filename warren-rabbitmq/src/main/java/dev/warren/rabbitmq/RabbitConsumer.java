package dev.warren.rabbitmq;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.DeliveryHandler;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer on a channel of its own. After {@link #cancel()} the channel stays open until every
 * delivery it handed out is settled, so handlers that are still running can acknowledge.
 */
final class RabbitConsumer implements ConsumerHandle {
  private static final Logger log = LoggerFactory.getLogger(RabbitConsumer.class);

  private final RabbitMqTransport transport;
  private final Channel channel;
  private final String queue;
  private final DeliveryHandler handler;
  private final AtomicInteger unsettled = new AtomicInteger();
  private volatile String tag;
  private volatile boolean cancelled;

  RabbitConsumer(
      RabbitMqTransport transport, Channel channel, String queue, DeliveryHandler handler) {
    this.transport = transport;
    this.channel = channel;
    this.queue = queue;
    this.handler = handler;
  }

  void start() throws IOException {
    tag =
        channel.basicConsume(
            queue,
            false,
            (consumerTag, d) -> {
              unsettled.incrementAndGet();
              handler.onDelivery(
                  new RabbitDelivery(
                      RabbitMqTransport.message(d.getProperties(), d.getBody()),
                      d.getEnvelope().getExchange(),
                      d.getEnvelope().getRoutingKey(),
                      d.getEnvelope().isRedeliver(),
                      channel,
                      d.getEnvelope().getDeliveryTag(),
                      this));
            },
            consumerTag -> {
              log.warn("RabbitMQ cancelled the consumer on queue {} (queue deleted?)", queue);
              cancelled = true;
            });
  }

  void settled() {
    if (unsettled.decrementAndGet() <= 0 && cancelled) {
      closeChannel();
    }
  }

  @Override
  public boolean isActive() {
    return !cancelled && channel.isOpen() && transport.isConnected();
  }

  @Override
  public void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    try {
      if (tag != null && channel.isOpen()) {
        channel.basicCancel(tag);
      }
    } catch (IOException | AlreadyClosedException e) {
      log.debug("cancelling consumer on {}: {}", queue, e.toString());
    }
    transport.forget(this);
    if (unsettled.get() <= 0) {
      closeChannel();
    }
  }

  private void closeChannel() {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | AlreadyClosedException e) {
      log.debug("closing consumer channel of {}: {}", queue, e.toString());
    }
  }
}
