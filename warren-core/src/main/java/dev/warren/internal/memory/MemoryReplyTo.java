package dev.warren.internal.memory;

import dev.warren.WarrenException;
import dev.warren.transport.Message;
import dev.warren.transport.ReplyChannel;
import dev.warren.transport.ReplyReceiver;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory broker's direct reply-to, as RabbitMQ's: a reply address ({@code
 * amq.rabbitmq.reply-to.<id>}) leads straight to a requester's receiver, with no queue declared; a
 * reply to an address whose requester is gone is dropped. Each requester's channel belongs to its
 * connection and closes with it.
 */
final class MemoryReplyTo {
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();

  /**
   * @param connection the requester's connection
   * @param receiver gets the replies
   * @return a channel with a new reply address
   */
  ReplyChannel open(InMemoryTransport connection, ReplyReceiver receiver) {
    Channel c =
        new Channel(ReplyChannel.DIRECT_REPLY_TO + "." + UUID.randomUUID(), connection, receiver);
    channels.put(c.address, c);
    return c;
  }

  /**
   * Hands a reply to the requester at its address, on the calling thread, or drops it.
   *
   * @param address the reply address, the routing key it was published with
   * @param reply the reply
   */
  void deliver(String address, Message reply) {
    Channel c = channels.get(address);
    if (c != null) {
      try {
        c.receiver.onReply(reply);
      } catch (RuntimeException e) {
        // why: as a RabbitMQ consumer's exception, the requester's failure is not the responder's
      }
    }
  }

  /**
   * Closes the reply channels of a connection that closed.
   *
   * @param connection the connection
   */
  void connectionClosed(InMemoryTransport connection) {
    channels.values().removeIf(c -> c.connection == connection);
  }

  /** One requester's reply channel. */
  private final class Channel implements ReplyChannel {
    final String address;
    final InMemoryTransport connection;
    final ReplyReceiver receiver;

    Channel(String address, InMemoryTransport connection, ReplyReceiver receiver) {
      this.address = address;
      this.connection = connection;
      this.receiver = receiver;
    }

    @Override
    public CompletableFuture<Void> publish(String exchange, String routingKey, Message request) {
      if (!isActive()) {
        return CompletableFuture.failedFuture(
            new WarrenException("the in-memory reply channel is closed"));
      }
      return connection.publish(exchange, routingKey, request.withReplyTo(address));
    }

    @Override
    public boolean isActive() {
      return channels.get(address) == this && connection.isConnected();
    }

    @Override
    public void close() {
      channels.remove(address, this);
    }
  }
}
