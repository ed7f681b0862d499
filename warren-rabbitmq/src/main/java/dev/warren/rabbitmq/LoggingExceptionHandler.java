package dev.warren.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.ExceptionHandler;
import com.rabbitmq.client.TopologyRecoveryException;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what amqp-client reports from its own threads, in one line for expected trouble (a reconnect
 * attempt that failed while the broker is away) and with the stack trace for the unexpected. Never
 * closes a channel or a connection: Warren's callbacks handle their own failures.
 */
final class LoggingExceptionHandler implements ExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger("dev.warren.rabbitmq");

  private final String where;

  LoggingExceptionHandler(String where) {
    this.where = where;
  }

  @Override
  public void handleUnexpectedConnectionDriverException(Connection conn, Throwable e) {
    log.warn("RabbitMQ at {}: connection error: {}", at(conn), BrokerErrors.reason(e));
  }

  /** The node a connection is on, when there are several: the one that failed. */
  private String at(Connection conn) {
    InetAddress node = conn == null || !where.contains(",") ? null : conn.getAddress();
    return node == null
        ? where
        : node.getHostAddress() + ":" + conn.getPort() + " (of " + where + ")";
  }

  @Override
  public void handleReturnListenerException(Channel channel, Throwable e) {
    log.error("RabbitMQ at {}: return listener failed", where, e);
  }

  @Override
  public void handleConfirmListenerException(Channel channel, Throwable e) {
    log.error("RabbitMQ at {}: confirm listener failed", where, e);
  }

  @Override
  public void handleBlockedListenerException(Connection conn, Throwable e) {
    log.error("RabbitMQ at {}: blocked listener failed", where, e);
  }

  @Override
  public void handleConsumerException(
      Channel channel, Throwable e, Consumer consumer, String consumerTag, String methodName) {
    log.error("RabbitMQ at {}: consumer {} failed in {}", where, consumerTag, methodName, e);
  }

  @Override
  public void handleConnectionRecoveryException(Connection conn, Throwable e) {
    log.warn("RabbitMQ at {}: reconnecting failed ({}); trying again", where, reason(e));
  }

  @Override
  public void handleChannelRecoveryException(Channel ch, Throwable e) {
    log.warn("RabbitMQ at {}: could not recover a channel: {}", where, reason(e));
  }

  @Override
  public void handleTopologyRecoveryException(
      Connection conn, Channel ch, TopologyRecoveryException e) {
    log.warn("RabbitMQ at {}: topology recovery: {}", where, e.getMessage());
  }

  private static String reason(Throwable e) {
    return BrokerErrors.reason(e);
  }
}
