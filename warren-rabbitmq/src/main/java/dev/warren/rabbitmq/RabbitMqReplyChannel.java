package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.WarrenException;
import dev.warren.transport.Message;
import dev.warren.transport.ReplyChannel;
import dev.warren.transport.ReplyReceiver;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/reply over RabbitMQ's direct reply-to: a confirm channel of its own that consumes from
 * the pseudo-queue {@value ReplyChannel#DIRECT_REPLY_TO} in no-ack mode and publishes the requests,
 * as the broker requires (the reply address it gives a request belongs to the channel that
 * published it). No queue is declared.
 *
 * <p>Publishing and its confirms are a {@link ConfirmPublisher}'s, which also replaces the channel
 * when it goes down; each new channel consumes the replies again before any request goes out on it,
 * after a connection recovery too. Replies to requests published on the channel that went down are
 * lost (their requesters time out); requests whose confirm was lost are published again on the new
 * channel and get their replies there.
 */
final class RabbitMqReplyChannel implements ReplyChannel {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqReplyChannel.class);

  /** How long closing waits for the confirms of requests under way. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

  private final ConfirmPublisher publisher;
  private final Replies replies;
  private final java.util.function.Consumer<RabbitMqReplyChannel> onClosed;
  private volatile boolean closed;

  private RabbitMqReplyChannel(
      ConfirmPublisher publisher,
      Replies replies,
      java.util.function.Consumer<RabbitMqReplyChannel> onClosed) {
    this.publisher = publisher;
    this.replies = replies;
    this.onClosed = onClosed;
  }

  /**
   * Opens a channel on the publishing connection and starts consuming replies on it.
   *
   * @param connection the publishing connection
   * @param where the broker, for messages
   * @param settings the publish window and timeout, the transport's scheduler and topology state
   * @param receiver gets the replies
   * @param onClosed told when the channel is closed
   * @return the reply channel
   * @throws IOException when the broker refused the channel or the consumer
   */
  static RabbitMqReplyChannel open(
      Connection connection,
      String where,
      Settings settings,
      ReplyReceiver receiver,
      java.util.function.Consumer<RabbitMqReplyChannel> onClosed)
      throws IOException {
    Replies replies = new Replies(receiver, where);
    ConfirmPublisher publisher =
        new ConfirmPublisher(
            connection,
            where,
            settings.confirmWindow(),
            settings.publishTimeout(),
            settings.tasks(),
            settings.topologyReady(),
            replies::consume);
    return new RabbitMqReplyChannel(publisher, replies, onClosed);
  }

  /**
   * What a reply channel publishes with.
   *
   * @param confirmWindow the most unconfirmed requests
   * @param publishTimeout how long a request may wait for the broker
   * @param tasks the transport's scheduler
   * @param topologyReady whether the topology was declared again after a recovery
   */
  record Settings(
      int confirmWindow,
      Duration publishTimeout,
      java.util.concurrent.ScheduledExecutorService tasks,
      BooleanSupplier topologyReady) {}

  @Override
  public CompletableFuture<Void> publish(String exchange, String routingKey, Message request) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new WarrenException("the RabbitMQ reply channel is closed"));
    }
    // why: the broker replaces the pseudo-queue's name with this channel's own reply address
    return publisher.publish(exchange, routingKey, request.withReplyTo(DIRECT_REPLY_TO));
  }

  @Override
  public boolean isActive() {
    Replies.Deliveries d = replies.current;
    return !closed && d != null && d.active && publisher.hasChannel();
  }

  /** The publishing connection recovered: consume the replies on a new channel. */
  void connectionRecovered() {
    if (!closed) {
      publisher.connectionRecovered();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    publisher.close(CLOSE_TIMEOUT);
    onClosed.accept(this);
  }

  /** The consumer of the replies, registered again on each new channel. */
  private static final class Replies {
    final ReplyReceiver receiver;
    final String where;
    volatile Deliveries current;

    Replies(ReplyReceiver receiver, String where) {
      this.receiver = receiver;
      this.where = where;
    }

    void consume(Channel channel) throws IOException {
      // why: no-ack is required; a reply has no queue to go back to
      Deliveries d = new Deliveries();
      channel.basicConsume(DIRECT_REPLY_TO, true, d);
      // why: consume-ok reaches handleConsumeOk asynchronously; the broker has already said it
      d.active = true;
      current = d;
    }

    /** Hands the replies on one channel to the receiver. */
    private final class Deliveries implements Consumer {
      volatile boolean active;

      @Override
      public void handleDelivery(
          String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        Message reply;
        try {
          reply = MessageMapper.toMessage(properties, body);
        } catch (RuntimeException e) {
          log.warn("RabbitMQ at {}: dropping an unreadable reply: {}", where, e.toString());
          return;
        }
        try {
          receiver.onReply(reply);
        } catch (RuntimeException e) {
          log.warn("RabbitMQ at {}: the reply receiver failed: {}", where, e.toString(), e);
        }
      }

      @Override
      public void handleConsumeOk(String consumerTag) {
        active = true;
      }

      @Override
      public void handleCancelOk(String consumerTag) {
        active = false;
      }

      @Override
      public void handleCancel(String consumerTag) {
        active = false;
      }

      @Override
      public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
        active = false;
      }

      @Override
      public void handleRecoverOk(String consumerTag) {
        // basic.recover is not used
      }
    }
  }
}
