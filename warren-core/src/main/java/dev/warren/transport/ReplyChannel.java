package dev.warren.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Where a requester publishes requests and receives their replies, without a declared queue:
 * RabbitMQ's direct reply-to ({@value #DIRECT_REPLY_TO}), or the in-memory broker's equivalent.
 * Opened with {@link Transport#replies(ReplyReceiver)}.
 *
 * <p>A request published through {@link #publish} carries this channel's reply address in its
 * {@link Message#replyTo()}. The responder answers by publishing to the default exchange ({@code
 * ""}) with that address as the routing key, through {@link Transport#publish} as any message; the
 * reply goes straight to the receiver, or is dropped when the requester is gone. Replies are not
 * stored anywhere: one that arrives while the connection is down is lost (the requester times out).
 *
 * <p>After a connection loss the channel consumes its replies again on the recovered connection by
 * itself; requests published before may then get no reply.
 */
public interface ReplyChannel extends AutoCloseable {
  /** The pseudo-queue of RabbitMQ's direct reply-to, and the prefix of every reply address. */
  String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

  /**
   * @param routingKey a routing key on the default exchange
   * @return whether it is a reply address: a reply published to it goes to a requester, not to a
   *     queue
   */
  static boolean isReplyAddress(String routingKey) {
    return routingKey != null && routingKey.startsWith(DIRECT_REPLY_TO);
  }

  /**
   * Publishes a request with this channel as its reply address, confirmed as {@link
   * Transport#publish} is.
   *
   * @param exchange the exchange
   * @param routingKey the routing key
   * @param request the request; its {@link Message#replyTo()} is set here
   * @return completes when the broker confirmed the request
   */
  CompletableFuture<Void> publish(String exchange, String routingKey, Message request);

  /**
   * @return whether replies can come back right now (false while the connection is down, and after
   *     {@link #close()})
   */
  boolean isActive();

  /** Stops receiving replies; requests published afterwards fail. Idempotent. */
  @Override
  void close();
}
