package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.BrokerUnavailableException;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The channel that declarations, bindings, purges and queue inspections run on, one at a time. It
 * carries no messages and no consumers, so when the broker closes it over a refused operation (a
 * 406 for a queue declared with other arguments, a 404 for a missing queue) nothing else is
 * affected: the refusal becomes a {@link Refusal} and the next operation opens a new channel.
 */
final class AdminChannel {
  /** An operation on a channel. */
  @FunctionalInterface
  interface Call<T> {
    /**
     * @param channel the channel
     * @return the result
     * @throws IOException as amqp-client reports a refusal
     */
    T on(Channel channel) throws IOException;
  }

  /** The broker refused the operation and closed the channel it ran on. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The AMQP reply code, for example 406. */
    final int code;

    /** The broker's text, without the code prefix. */
    final String text;

    Refusal(int code, String text, Throwable cause) {
      super(code + " " + text, cause);
      this.code = code;
      this.text = text;
    }
  }

  private final Connection connection;
  private final String where;
  private final ReentrantLock lock = new ReentrantLock();
  private Channel channel;

  AdminChannel(Connection connection, String where) {
    this.connection = connection;
    this.where = where;
  }

  /**
   * @param what the operation, for messages: {@code declare queue 'orders'}
   * @param call the operation
   * @return its result
   * @throws Refusal when the broker refused it
   * @throws BrokerUnavailableException when the connection is down
   */
  <T> T run(String what, Call<T> call) {
    lock.lock();
    try {
      Channel ch = channel;
      if (ch == null || !ch.isOpen()) {
        discard();
        ch = connection.createChannel();
        if (ch == null) {
          throw new IOException("the connection has no free channel number");
        }
        channel = ch;
      }
      return call.on(ch);
    } catch (IOException | ShutdownSignalException e) {
      discard();
      ShutdownSignalException signal = BrokerErrors.signal(e);
      AMQP.Channel.Close refused = BrokerErrors.channelClose(signal);
      if (refused != null) {
        throw new Refusal(refused.getReplyCode(), BrokerErrors.text(refused.getReplyText()), e);
      }
      throw new BrokerUnavailableException(
          "RabbitMQ at "
              + where
              + " is unavailable: cannot "
              + what
              + ": "
              + BrokerErrors.reason(e),
          e);
    } finally {
      lock.unlock();
    }
  }

  /** Closes the channel; the next operation opens another. */
  void close() {
    lock.lock();
    try {
      discard();
    } finally {
      lock.unlock();
    }
  }

  private void discard() {
    Channel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        // why: abort also unregisters it from connection recovery, which close skips when the
        // broker already closed it
        ch.abort();
      } catch (IOException | RuntimeException ignored) {
        // it is gone either way
      }
    }
  }
}
