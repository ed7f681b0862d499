package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.SocketConfigurator;
import com.rabbitmq.client.SocketConfigurators;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedConsumer;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import dev.warren.BrokerUnavailableException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.transport.ReplyChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to the broker in the options: automatic recovery on, a reachable broker retried
 * with backoff at start-up, connections named after the instance.
 *
 * <p>With the nodes of a cluster, every connection (and every recovery of one) tries them in a new
 * random order, so a lost node is replaced by a surviving one about {@link #RECOVERY_INTERVAL_MS}
 * after the loss, and the clients of a cluster spread over its nodes.
 */
final class Connector {
  private static final Logger log = LoggerFactory.getLogger(Connector.class);

  /** How long amqp-client waits between attempts to reconnect. */
  static final long RECOVERY_INTERVAL_MS = 1000;

  /** Heartbeat asked of the broker, in seconds: a silently dead peer is noticed in ~20 s. */
  static final int HEARTBEAT_SECONDS = 10;

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 2000;
  private static final int MAX_SOCKET_TIMEOUT_MS = 10_000;
  private static final int RPC_TIMEOUT_MS = 30_000;

  private final ConnectionFactory factory = new ConnectionFactory();
  private final Duration connectTimeout;
  private final String display;
  private final List<Address> addresses;
  private final String address;
  private final String vhost;

  /**
   * @param options the options, with a RabbitMQ URI
   * @throws WarrenException when the URI is not usable
   */
  Connector(WarrenOptions options) {
    List<String> uris = options.rabbitmqUris();
    if (uris.isEmpty()) {
      throw new WarrenException(
          "the RabbitMQ transport needs a broker: set WARREN_RABBITMQ_URL or WARREN_RABBITMQ_HOST");
    }
    this.display = options.rabbitmqUriForDisplay();
    this.connectTimeout = options.connectTimeout();
    List<Address> nodes = new ArrayList<>(uris.size());
    try {
      // why: the nodes share the scheme, credentials, virtual host and parameters (WarrenOptions
      // checks it), so the first URI sets the factory up and the others add their addresses
      String uri = uris.get(0);
      boolean tls = uri.startsWith("amqps:");
      // why: amqp-client's amqps:// handling trusts every certificate; verify them instead, with
      // the CAs of the TLS options (the JVM's trust store by default) and the host name
      factory.setUri(tls ? "amqp" + uri.substring("amqps".length()) : uri);
      int defaultPort =
          tls ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT;
      if (tls) {
        factory.useSslProtocol(TlsContext.of(options.tls()));
        // why: amqp-client 5.33+ verifies host names from useSslProtocol on; start again from
        // the plain socket set-up so that the option alone decides
        factory.setSocketConfigurator(SocketConfigurators.defaultConfigurator());
        if (options.tls().verifyHostname()) {
          factory.enableHostnameVerification();
        }
      }
      for (String u : uris) {
        URI parsed = new URI(u);
        String host = parsed.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        nodes.add(new Address(host, parsed.getPort() == -1 ? defaultPort : parsed.getPort()));
      }
    } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
      throw new WarrenException("RabbitMQ URL '" + display + "' is not usable: " + e.getMessage());
    }
    this.addresses = List.copyOf(nodes);
    this.address =
        addresses.stream()
            .map(a -> a.getHost() + ":" + a.getPort())
            .collect(Collectors.joining(","));
    this.vhost = factory.getVirtualHost();
    int socketTimeout = (int) Math.min(connectTimeout.toMillis(), MAX_SOCKET_TIMEOUT_MS);
    factory.setConnectionTimeout(socketTimeout);
    factory.setHandshakeTimeout(socketTimeout);
    factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
    factory.setChannelRpcTimeout(RPC_TIMEOUT_MS);
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
    factory.setTopologyRecoveryFilter(new ConsumersOnly());
    factory.setExceptionHandler(new LoggingExceptionHandler(address));
    factory.setThreadFactory(threads());
  }

  /**
   * Recovers consumers only: {@link DeclaredTopology} declares exchanges, queues and bindings again
   * itself, just before. Not the consumers of direct reply-to: {@link RabbitMqReplyChannel} opens a
   * new channel for its replies.
   */
  private static final class ConsumersOnly implements TopologyRecoveryFilter {
    @Override
    public boolean filterExchange(RecordedExchange exchange) {
      return false;
    }

    @Override
    public boolean filterQueue(RecordedQueue queue) {
      return false;
    }

    @Override
    public boolean filterBinding(RecordedBinding binding) {
      return false;
    }

    @Override
    public boolean filterConsumer(RecordedConsumer consumer) {
      // why: a reply channel consumes its replies again on a new channel of its own
      return !ReplyChannel.DIRECT_REPLY_TO.equals(consumer.getQueue());
    }
  }

  private static ThreadFactory threads() {
    AtomicInteger n = new AtomicInteger();
    return r -> new Thread(r, "warren-amqp-" + n.incrementAndGet());
  }

  /**
   * @return {@code host:port}, or the nodes' {@code host:port}s separated by commas
   */
  String address() {
    return address;
  }

  /**
   * @param connection a connection this connector opened
   * @return the {@code host:port} of the node it is connected to now, or {@code null} when it is
   *     not connected
   */
  static String node(Connection connection) {
    if (!connection.isOpen()) {
      return null;
    }
    InetAddress ip = connection.getAddress();
    return ip == null ? null : ip.getHostAddress() + ":" + connection.getPort();
  }

  /**
   * @return the virtual host
   */
  String vhost() {
    return vhost;
  }

  /**
   * @return the URI with its password masked
   */
  String display() {
    return display;
  }

  /**
   * Connects, retrying an unreachable broker with backoff (100 ms doubling to 2 s) until the
   * deadline.
   *
   * @param name the connection name shown by the broker
   * @param deadline {@link System#nanoTime()} after which to give up
   * @return the connection
   * @throws BrokerUnavailableException when the broker stayed unreachable
   * @throws WarrenException when the broker refused the credentials or the virtual host
   */
  Connection connect(String name, long deadline) {
    return connect(name, deadline, null);
  }

  /**
   * Connects as {@link #connect(String, long)} does, and hands over each socket the connection
   * opens (the first one and each one of a recovery).
   *
   * <p>why: a write to a broker that stopped reading (a resource alarm) blocks while holding the
   * connection's output, and closing the connection must write too; closing the socket is then the
   * only way out.
   *
   * @param sockets receives each socket before it is used, or {@code null}
   */
  Connection connect(String name, long deadline, Consumer<Socket> sockets) {
    ConnectionFactory f = factory;
    if (sockets != null) {
      f = factory.clone();
      SocketConfigurator configured = f.getSocketConfigurator();
      f.setSocketConfigurator(
          socket -> {
            configured.configure(socket);
            sockets.accept(socket);
          });
    }
    long backoff = FIRST_BACKOFF_MS;
    while (true) {
      try {
        return f.newConnection(addresses, name);
      } catch (IOException | TimeoutException e) {
        String reason = BrokerErrors.reason(e);
        String tlsFailure = TlsContext.failure(e);
        if (tlsFailure != null) {
          // why: a certificate the client does not trust, or that the broker refuses, stays so
          throw new WarrenException("RabbitMQ at " + display + ": TLS: " + tlsFailure, e);
        }
        if (refusedForGood(e)) {
          throw new WarrenException(
              "RabbitMQ at " + display + " refused the connection: " + reason, e);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new BrokerUnavailableException(
              "RabbitMQ at "
                  + display
                  + " unreachable after "
                  + BrokerErrors.human(connectTimeout)
                  + ": "
                  + reason,
              e);
        }
        long pause = Math.min(backoff, left);
        log.warn("RabbitMQ at {} unreachable ({}); retrying in {} ms", display, reason, pause);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new BrokerUnavailableException(
              "interrupted while connecting to RabbitMQ at " + display, ie);
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /**
   * Finds out whether the broker knows an exchange type (a plugin's), on a connection of its own.
   *
   * <p>why: RabbitMQ answers a declaration with an unknown type by closing the whole connection
   * (503 COMMAND_INVALID), which would interrupt every publish and consumer on it.
   *
   * @param type the exchange type
   * @param name the probing connection's name
   * @return whether it can be declared
   * @throws BrokerUnavailableException when the broker cannot be reached to find out
   */
  boolean knowsExchangeType(String type, String name) {
    ConnectionFactory probing = factory.clone();
    probing.setAutomaticRecoveryEnabled(false);
    probing.setTopologyRecoveryEnabled(false);
    String exchange = "warren.probe." + UUID.randomUUID();
    try (Connection c = probing.newConnection(addresses, name)) {
      Channel ch = c.createChannel();
      try {
        ch.exchangeDeclare(exchange, type, false, true, null);
      } catch (IOException e) {
        if (BrokerErrors.replyCode(BrokerErrors.signal(e)) == AMQP.COMMAND_INVALID) {
          return false;
        }
        throw e;
      }
      ch.exchangeDelete(exchange);
      return true;
    } catch (IOException | TimeoutException | RuntimeException e) {
      if (BrokerErrors.replyCode(BrokerErrors.signal(e)) == AMQP.COMMAND_INVALID) {
        return false;
      }
      throw new BrokerUnavailableException(
          "RabbitMQ at " + display + " is unavailable: " + BrokerErrors.reason(e), e);
    }
  }

  /** Wrong credentials or a missing virtual host: retrying does not help. */
  private static boolean refusedForGood(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AuthenticationFailureException) {
        return true;
      }
    }
    ShutdownSignalException s = BrokerErrors.signal(e);
    if (s != null && s.getReason() instanceof AMQP.Connection.Close close) {
      int code = close.getReplyCode();
      return code == AMQP.NOT_ALLOWED || code == AMQP.ACCESS_REFUSED;
    }
    return false;
  }
}
