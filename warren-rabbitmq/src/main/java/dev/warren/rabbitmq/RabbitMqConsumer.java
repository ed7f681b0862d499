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
 *
 * <p>When the broker closes the channel while the connection stays (RabbitMQ's delivery
 * acknowledgement timeout, {@code consumer_timeout}, 30 minutes by default, closes the channel of a
 * consumer that held a delivery longer; or another channel error), amqp-client does not recover it:
 * this consumer registers again on a new channel, with the same tag and prefetch, and logs why. The
 * deliveries it held are back in the queue and come again (to this consumer or another); their late
 * acks on the closed channel are dropped.
 */
final class RabbitMqConsumer implements ConsumerHandle, Consumer {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqConsumer.class);

  /** Opens a channel with this consumer's prefetch. */
  @FunctionalInterface
  interface ChannelOpener {
    Channel open() throws IOException;
  }

  private volatile Channel channel;
  private final ChannelOpener opener;
  private final java.util.function.Consumer<Runnable> later;
  private final AtomicInteger channelCloses = new AtomicInteger();
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
    this(channel, null, r -> {}, queue, tag, handler, epoch, tasks, onClosed);
  }

  /**
   * @param channel the channel to consume on, with the prefetch set
   * @param opener opens another channel like it, for registering again after the broker closed this
   *     one; {@code null} not to register again
   * @param later runs a task after a pause, for a registration that failed
   */
  RabbitMqConsumer(
      Channel channel,
      ChannelOpener opener,
      java.util.function.Consumer<Runnable> later,
      String queue,
      String tag,
      DeliveryHandler handler,
      LongSupplier epoch,
      Executor tasks,
      java.util.function.Consumer<RabbitMqConsumer> onClosed) {
    this.channel = channel;
    this.opener = opener;
    this.later = later;
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
    if (sig.isHardError()
        || sig.isInitiatedByApplication()
        || cancelled.get()
        || channelClosed.get()
        || opener == null) {
      // why: a connection loss is recovered by amqp-client, consumers included
      return;
    }
    String reason = BrokerErrors.reason(sig);
    if (reason.contains("timed out")) {
      log.error(
          "RabbitMQ closed the consumer channel of queue '{}': {}. A delivery was held unacknowledged"
              + " longer than the broker's consumer_timeout (rabbitmq.conf, 30 minutes by default):"
              + " it is back in the queue and will run again; raise consumer_timeout above the"
              + " longest task time limit (README, 'Quorum queues'). Consuming again.",
          queue,
          reason);
    } else {
      log.error(
          "RabbitMQ closed the consumer channel of queue '{}': {}; its unacknowledged deliveries"
              + " are back in the queue. Consuming again.",
          queue,
          reason);
    }
    channelCloses.incrementAndGet();
    try {
      tasks.execute(this::register);
    } catch (RejectedExecutionException e) {
      // the transport is closing: nothing to consume for
    }
  }

  /** Registers again on a new channel, after the broker closed the old one. */
  private void register() {
    if (cancelled.get() || channelClosed.get()) {
      return;
    }
    Channel fresh = null;
    try {
      fresh = opener.open();
      channel = fresh;
      fresh.basicConsume(queue, false, tag, false, false, null, this);
      active = !cancelled.get();
      log.info("consuming from queue '{}' again", queue);
    } catch (IOException | RuntimeException e) {
      int code = BrokerErrors.replyCode(BrokerErrors.signal(e));
      if (fresh != null) {
        try {
          fresh.abort();
        } catch (IOException | RuntimeException ignored) {
          // closed either way
        }
      }
      if (code == BrokerErrors.NOT_FOUND) {
        log.error(
            "cannot consume from queue '{}' again: it does not exist; the consumer stops", queue);
        closeChannel();
        return;
      }
      log.warn(
          "cannot consume from queue '{}' again yet: {}; retrying", queue, BrokerErrors.reason(e));
      later.accept(this::register);
    }
  }

  /**
   * @return how many times the broker closed this consumer's channel (it registered again each
   *     time)
   */
  int channelCloses() {
    return channelCloses.get();
  }

  Channel channel() {
    return channel;
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
