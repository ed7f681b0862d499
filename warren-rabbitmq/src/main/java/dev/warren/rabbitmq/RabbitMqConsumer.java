package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.DeliveryHandler;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer on a channel of its own, with manual acknowledgements and the prefetch of that
 * channel. amqp-client registers it again after a connection recovery (its tag is ours, so it stays
 * the same); it is active from {@code basic.consume-ok} until the connection drops, it is
 * cancelled, or the broker cancels it (its queue was deleted).
 *
 * <p>Cancelling stops handing deliveries to the handler at once. The channel, and with it the
 * consumer, stays until every delivery handed over before is settled, so their acks still count;
 * then closing the channel returns what arrived meanwhile to the queue.
 *
 * <p>why not {@code basic.cancel} right away: on a single-active-consumer queue the broker would
 * activate the next consumer at once, which would receive later messages before the ones this
 * consumer still holds are returned; closing the channel returns those and hands the queue over in
 * one step, so the order of a partition survives a failover.
 */
final class RabbitMqConsumer implements ConsumerHandle, Consumer {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqConsumer.class);

  private final Channel channel;
  private final String queue;
  private final String tag;
  private final DeliveryHandler handler;
  private final LongSupplier epoch;
  private final Executor tasks;
  private final java.util.function.Consumer<RabbitMqConsumer> onClosed;
  private final AtomicInteger unsettled = new AtomicInteger();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicBoolean channelClosed = new AtomicBoolean();
  private volatile boolean active;

  RabbitMqConsumer(
      Channel channel,
      String queue,
      String tag,
      DeliveryHandler handler,
      LongSupplier epoch,
      Executor tasks,
      java.util.function.Consumer<RabbitMqConsumer> onClosed) {
    this.channel = channel;
    this.queue = queue;
    this.tag = tag;
    this.handler = handler;
    this.epoch = epoch;
    this.tasks = tasks;
    this.onClosed = onClosed;
  }

  /**
   * Registers it with the broker.
   *
   * @throws IOException when the broker refuses, for example because the queue does not exist
   */
  void start() throws IOException {
    channel.basicConsume(queue, false, tag, false, false, null, this);
    // why: consume-ok reaches handleConsumeOk asynchronously; the broker has already said it
    active = !cancelled.get();
  }

  String queue() {
    return queue;
  }

  @Override
  public boolean isActive() {
    return active && !cancelled.get() && channel.isOpen();
  }

  @Override
  public void cancel() {
    if (!cancelled.compareAndSet(false, true)) {
      return;
    }
    active = false;
    closeWhenSettled();
  }

  @Override
  public void abort() {
    // why: closing the channel returns every unsettled delivery to the queue in one step, before
    // a single-active-consumer queue activates its next consumer
    closeChannel();
  }

  @Override
  public void handleConsumeOk(String consumerTag) {
    active = !cancelled.get();
  }

  @Override
  public void handleCancelOk(String consumerTag) {
    active = false;
  }

  @Override
  public void handleCancel(String consumerTag) {
    active = false;
    if (cancelled.compareAndSet(false, true)) {
      log.warn(
          "the broker cancelled the consumer of queue '{}' (was the queue deleted?); it stops",
          queue);
      closeWhenSettled();
    }
  }

  @Override
  public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
    active = false;
  }

  @Override
  public void handleRecoverOk(String consumerTag) {
    // basic.recover is not used
  }

  @Override
  public void handleDelivery(
      String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    unsettled.incrementAndGet();
    if (cancelled.get()) {
      // why: cancelled, waiting for handed-over deliveries; this one stays unacknowledged and
      // goes back to the queue, in its place, when the channel closes
      settled();
      return;
    }
    RabbitMqDelivery delivery;
    try {
      delivery =
          new RabbitMqDelivery(
              channel,
              envelope,
              MessageMapper.toMessage(properties, body),
              queue,
              epoch,
              this::settled);
    } catch (RuntimeException e) {
      log.warn("unreadable message on queue '{}' left unacknowledged: {}", queue, e.toString());
      settled();
      return;
    }
    try {
      handler.onDelivery(delivery);
    } catch (RuntimeException e) {
      // why: a handler that throws must not stop the consumer; the delivery stays unsettled and
      // comes back when the channel closes, as with the in-memory transport
      log.warn("the delivery handler of queue '{}' failed: {}", queue, e.toString(), e);
    }
  }

  private void settled() {
    unsettled.decrementAndGet();
    closeWhenSettled();
  }

  private void closeWhenSettled() {
    if (cancelled.get() && unsettled.get() <= 0 && !channelClosed.get()) {
      try {
        tasks.execute(this::closeChannel);
      } catch (RejectedExecutionException e) {
        closeChannel();
      }
    }
  }

  /** Closes the channel: unsettled deliveries go back to the queue. */
  void closeChannel() {
    if (!channelClosed.compareAndSet(false, true)) {
      return;
    }
    active = false;
    cancelled.set(true);
    try {
      channel.abort();
    } catch (IOException | RuntimeException ignored) {
      // closed either way
    }
    onClosed.accept(this);
  }
}
