package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoverableConnection;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.BrokerUnavailableException;
import dev.warren.InvalidInputException;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.transport.BrowsedMessage;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.DeliveryHandler;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.ReplyChannel;
import dev.warren.transport.ReplyReceiver;
import dev.warren.transport.Transport;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Transport} on RabbitMQ, with the official amqp-client.
 *
 * <p>Two connections, as RabbitMQ advises: {@code warren-<instance>} for declarations, consumers
 * and {@code basic.get}, and {@code warren-<instance>-publisher} for publishing, so that flow
 * control or a resource alarm that blocks publishing never stalls consumers and their acks. Both
 * recover automatically; after a recovery this transport declares its exchanges, queues and
 * bindings again ({@link DeclaredTopology}), amqp-client registers the consumers again, and
 * publishes whose confirm was lost go out again ({@link ConfirmPublisher}).
 *
 * <p>Channels by role: one confirm channel for all publishing; one channel per consumer, with its
 * prefetch; one admin channel for declarations and inspections, so a refused declaration (406) or
 * an inspection of a missing queue (404), which make the broker close the channel, never touch a
 * channel that carries messages; one channel per {@code basic.get}, open until its delivery is
 * settled.
 *
 * <pre>{@code
 * try (Transport t = RabbitMqTransport.connect(options)) {
 *   t.declareQueue(QueueSpec.durable("orders"));
 *   t.publish("", "orders", Message.of(body, Map.of())).join();
 * }
 * }</pre>
 */
public final class RabbitMqTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqTransport.class);

  /** How long {@link #close()} waits for the broker to close each connection. */
  private static final int CLOSE_TIMEOUT_MS = 5000;

  private final WarrenOptions options;
  private final Connector connector;
  private final Connection connection;
  private final Connection publishing;
  private final AtomicReference<Socket> publishingSocket;
  private final String where;
  private final ScheduledExecutorService tasks;
  private final AdminChannel admin;
  private final DeclaredTopology topology = new DeclaredTopology();
  private final ConfirmPublisher publisher;
  private final Set<RabbitMqConsumer> consumers = ConcurrentHashMap.newKeySet();
  private final Set<RabbitMqReplyChannel> replyChannels = ConcurrentHashMap.newKeySet();
  private final AtomicInteger consumerTags = new AtomicInteger();
  private final AtomicLong connectionLosses = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean topologyReady = true;
  private volatile Boolean consistentHash;
  private volatile ManagementApi management;

  private RabbitMqTransport(
      WarrenOptions options,
      Connector connector,
      Connection connection,
      Connection publishing,
      AtomicReference<Socket> publishingSocket)
      throws IOException {
    this.options = options;
    this.connector = connector;
    this.connection = connection;
    this.publishing = publishing;
    this.publishingSocket = publishingSocket;
    this.where = connector.address() + " vhost " + connector.vhost();
    this.tasks =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-rabbitmq-" + options.instanceId());
              t.setDaemon(true);
              return t;
            });
    this.admin = new AdminChannel(connection, where);
    connection.addShutdownListener(this::connectionLost);
    ((RecoverableConnection) connection).addRecoveryListener(new MainRecovery());
    publishing.addShutdownListener(this::publishingConnectionLost);
    publishing.addBlockedListener(
        reason ->
            log.warn(
                "RabbitMQ at {} blocks publishing ({}, a resource alarm); publishes wait up to {},"
                    + " then fail",
                where,
                reason,
                BrokerErrors.human(options.publishTimeout())),
        () -> log.info("RabbitMQ at {} accepts publishes again", where));
    try {
      this.publisher =
          new ConfirmPublisher(
              publishing,
              where,
              options.confirmWindow(),
              options.publishTimeout(),
              tasks,
              () -> topologyReady);
    } catch (IOException | RuntimeException e) {
      tasks.shutdownNow();
      throw e;
    }
    ((RecoverableConnection) publishing)
        .addRecoveryListener(
            new RecoveryListener() {
              @Override
              public void handleRecovery(Recoverable recoverable) {
                log.info("RabbitMQ at {}: publishing connection recovered", where);
                publisher.connectionRecovered();
                for (RabbitMqReplyChannel r : replyChannels) {
                  r.connectionRecovered();
                }
              }

              @Override
              public void handleRecoveryStarted(Recoverable recoverable) {
                // logged when the connection was lost
              }
            });
  }

  /**
   * Connects to the broker in {@link WarrenOptions#rabbitmqUri()}, retrying an unreachable one with
   * backoff for up to {@link WarrenOptions#connectTimeout()}.
   *
   * @param options the options
   * @return a connected transport
   * @throws BrokerUnavailableException when the broker stayed unreachable, with the URI (password
   *     masked), how long it was tried and why it failed
   * @throws WarrenException when the URI is not usable or the broker refused the credentials or the
   *     virtual host
   */
  public static RabbitMqTransport connect(WarrenOptions options) {
    Connector connector = new Connector(options);
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    String name = "warren-" + options.instanceId();
    Connection main = connector.connect(name, deadline);
    Connection publishing = null;
    AtomicReference<Socket> publishingSocket = new AtomicReference<>();
    try {
      publishing = connector.connect(name + "-publisher", deadline, publishingSocket::set);
      RabbitMqTransport transport =
          new RabbitMqTransport(options, connector, main, publishing, publishingSocket);
      log.info("RabbitMQ at {}: connected as {}", transport.where, name);
      return transport;
    } catch (IOException | RuntimeException e) {
      abort(main);
      abort(publishing);
      if (e instanceof WarrenException w) {
        throw w;
      }
      throw new BrokerUnavailableException(
          "RabbitMQ at " + connector.display() + " is unavailable: " + BrokerErrors.reason(e), e);
    }
  }

  private static void abort(Connection c) {
    if (c != null) {
      c.abort(CLOSE_TIMEOUT_MS);
    }
  }

  /** Recovery of the main connection: topology first, then (amqp-client) consumers. */
  private final class MainRecovery implements RecoveryListener {
    @Override
    public void handleRecoveryStarted(Recoverable recoverable) {
      // logged when the connection was lost
    }

    @Override
    public void handleTopologyRecoveryStarted(Recoverable recoverable) {
      topology.redeclare(connection, where);
    }

    @Override
    public void handleRecovery(Recoverable recoverable) {
      topologyReady = true;
      log.info(
          "RabbitMQ at {}: connection recovered, {} consumers registered again",
          where,
          consumers.size());
    }
  }

  private void connectionLost(ShutdownSignalException cause) {
    if (closed.get() || cause.isInitiatedByApplication()) {
      return;
    }
    topologyReady = false;
    connectionLosses.incrementAndGet();
    log.warn(
        "RabbitMQ at {}: connection lost ({}); reconnecting", where, BrokerErrors.reason(cause));
  }

  private void publishingConnectionLost(ShutdownSignalException cause) {
    if (closed.get() || cause.isInitiatedByApplication()) {
      return;
    }
    log.warn(
        "RabbitMQ at {}: publishing connection lost ({}); reconnecting, publishes wait up to {}",
        where,
        BrokerErrors.reason(cause),
        BrokerErrors.human(options.publishTimeout()));
  }

  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public String describe() {
    if (closed.get()) {
      return "closed (was connected to " + where + ")";
    }
    if (!isConnected()) {
      return "disconnected from " + connector.address() + " (recovering)";
    }
    String node = connector.address().contains(",") ? Connector.node(connection) : null;
    String alarm = publisher.blocked().orElse(null);
    return "connected to "
        + where
        + (node == null ? "" : ", node " + node)
        + (alarm == null ? "" : ", publishing blocked by the broker: " + alarm);
  }

  /**
   * @return the broker's reason (for example {@code low on disk}) while a resource alarm blocks the
   *     publishing connection: publishes then wait and fail at their publish timeout, consumers go
   *     on; empty otherwise
   */
  @Override
  public Optional<String> blocked() {
    return closed.get() ? Optional.empty() : publisher.blocked();
  }

  @Override
  public boolean isConnected() {
    return !closed.get() && connection.isOpen() && publishing.isOpen();
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new WarrenException("the RabbitMQ transport is closed");
    }
  }

  // ------------------------------------------------------------------------------- topology

  @Override
  public void declareExchange(ExchangeSpec spec) {
    requireOpen();
    String what = "exchange '" + spec.name() + "'";
    if (spec.type() == ExchangeSpec.ExchangeType.CONSISTENT_HASH) {
      requireConsistentHash(what);
    }
    try {
      admin.run(
          "declare " + what,
          ch -> {
            DeclaredTopology.declare(ch, spec);
            return null;
          });
    } catch (AdminChannel.Refusal r) {
      throw refused(r, what, true);
    }
    topology.declared(spec);
  }

  private void requireConsistentHash(String what) {
    Boolean known = consistentHash;
    if (known == null) {
      known =
          connector.knowsExchangeType(
              DeclaredTopology.exchangeType(ExchangeSpec.ExchangeType.CONSISTENT_HASH),
              "warren-" + options.instanceId() + "-probe");
      consistentHash = known;
    }
    if (!known) {
      throw new WarrenException(
          "cannot declare "
              + what
              + ": RabbitMQ at "
              + where
              + " has no x-consistent-hash exchange type; enable its plugin with"
              + " 'rabbitmq-plugins enable rabbitmq_consistent_hash_exchange'");
    }
  }

  /**
   * RabbitMQ 3.10 and later: quorum queues with message TTL and at-least-once dead-lettering, which
   * Warren's wait and dead-letter queues rely on (quorum queues exist since 3.8, without them).
   */
  @Override
  public boolean supportsQuorumQueues() {
    Object version = connection.getServerProperties().get("version");
    return version != null && atLeast(version.toString(), 3, 10);
  }

  /**
   * @param version a broker version such as {@code 3.10.8} or {@code 4.0.5}
   * @return whether it is at least {@code major.minor}
   */
  static boolean atLeast(String version, int major, int minor) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
    if (!m.find()) {
      return false;
    }
    int ma = Integer.parseInt(m.group(1));
    int mi = Integer.parseInt(m.group(2));
    return ma > major || ma == major && mi >= minor;
  }

  @Override
  public void declareQueue(QueueSpec spec) {
    requireOpen();
    if (spec.name().isEmpty()) {
      throw new InvalidInputException(
          "a queue needs a name: server-named queues are not supported");
    }
    String what = "queue '" + spec.name() + "'";
    try {
      admin.run(
          "declare " + what,
          ch -> {
            DeclaredTopology.declare(ch, spec);
            return null;
          });
    } catch (AdminChannel.Refusal r) {
      throw refused(r, what, true);
    }
    topology.declared(spec);
  }

  @Override
  public void bind(String queue, String exchange, String bindingKey) {
    bind(new DeclaredTopology.Binding(false, queue, exchange, bindingKey));
  }

  @Override
  public void bindExchange(String destination, String source, String bindingKey) {
    bind(new DeclaredTopology.Binding(true, destination, source, bindingKey));
  }

  private void bind(DeclaredTopology.Binding binding) {
    requireOpen();
    try {
      admin.run(
          "bind " + binding,
          ch -> {
            DeclaredTopology.bind(ch, binding);
            return null;
          });
    } catch (AdminChannel.Refusal r) {
      throw refused(r, "cannot bind " + binding.toString().replace(" bound to ", " to "), false);
    }
    topology.bound(binding);
  }

  @Override
  public void unbind(String queue, String exchange, String bindingKey) {
    requireOpen();
    DeclaredTopology.Binding binding =
        new DeclaredTopology.Binding(false, queue, exchange, bindingKey);
    topology.unbound(binding);
    try {
      admin.run("unbind " + binding, ch -> ch.queueUnbind(queue, exchange, bindingKey));
    } catch (AdminChannel.Refusal r) {
      if (r.code != BrokerErrors.NOT_FOUND) {
        throw refused(r, "cannot unbind queue '" + queue + "' from '" + exchange + "'", false);
      }
      // why: idempotent; the queue or the exchange is gone, and the binding with it
    }
  }

  @Override
  public void deleteQueue(String queue) {
    requireOpen();
    topology.queueDeleted(queue);
    try {
      admin.run("delete queue '" + queue + "'", ch -> ch.queueDelete(queue));
    } catch (AdminChannel.Refusal r) {
      if (r.code != BrokerErrors.NOT_FOUND) {
        throw refused(r, "cannot delete queue '" + queue + "'", false);
      }
    }
  }

  @Override
  public long purgeQueue(String queue) {
    requireOpen();
    try {
      return admin.run("purge queue '" + queue + "'", ch -> ch.queuePurge(queue).getMessageCount());
    } catch (AdminChannel.Refusal r) {
      if (r.code == BrokerErrors.NOT_FOUND) {
        throw new WarrenException("cannot purge queue '" + queue + "': it does not exist", r);
      }
      throw refused(r, "cannot purge queue '" + queue + "'", false);
    }
  }

  @Override
  public Optional<QueueInfo> queueInfo(String queue) {
    requireOpen();
    try {
      AMQP.Queue.DeclareOk ok =
          admin.run("inspect queue '" + queue + "'", ch -> ch.queueDeclarePassive(queue));
      return Optional.of(new QueueInfo(queue, ok.getMessageCount(), ok.getConsumerCount()));
    } catch (AdminChannel.Refusal r) {
      if (r.code == BrokerErrors.NOT_FOUND) {
        return Optional.empty();
      }
      throw refused(r, "cannot inspect queue '" + queue + "'", false);
    }
  }

  /**
   * Lists the virtual host's queues through RabbitMQ's management HTTP API (AMQP has no listing):
   * the {@code rabbitmq_management} plugin on port 15672 (15671 for amqps) with the same
   * credentials, or {@code WARREN_RABBITMQ_MANAGEMENT_URL}.
   *
   * @throws WarrenException when the management API is not reachable
   */
  @Override
  public List<QueueInfo> listQueues() {
    requireOpen();
    ManagementApi api = management;
    if (api == null) {
      api = new ManagementApi(options);
      management = api;
    }
    return api.queues();
  }

  /**
   * @param r the broker's refusal
   * @param what what was refused, for example {@code queue 'orders'}
   * @param declaring whether it was a declaration, where 406 means "exists with other settings"
   */
  private static WarrenException refused(AdminChannel.Refusal r, String what, boolean declaring) {
    Throwable cause = r.getCause();
    return switch (r.code) {
      case BrokerErrors.PRECONDITION_FAILED ->
          // why: "invalid property 'exclusive'" (a quorum queue that cannot be) is not a mismatch
          !declaring
              ? new WarrenException(what + ": " + r.text, cause)
              : r.text.startsWith("invalid ")
                  ? new WarrenException("cannot declare " + what + ": " + r.text, cause)
                  : new TopologyMismatchException(
                      what + " exists with other settings: " + r.text, cause);
      case BrokerErrors.RESOURCE_LOCKED ->
          new WarrenException(what + " is exclusive to another connection: " + r.text, cause);
      case AMQP.ACCESS_REFUSED -> new WarrenException(what + ": access refused: " + r.text, cause);
      default -> new WarrenException(what + ": " + r.text, cause);
    };
  }

  // ------------------------------------------------------------------------------- publishing

  @Override
  public CompletableFuture<Void> publish(String exchange, String routingKey, Message message) {
    return publisher.publish(exchange, routingKey, message);
  }

  // ------------------------------------------------------------------------------- replies

  /**
   * Opens a direct reply-to channel on the publishing connection: requests go out on it and their
   * replies come back to it, as RabbitMQ requires (see {@link RabbitMqReplyChannel}).
   */
  @Override
  public ReplyChannel replies(ReplyReceiver receiver) {
    requireOpen();
    try {
      RabbitMqReplyChannel channel =
          RabbitMqReplyChannel.open(
              publishing,
              where,
              new RabbitMqReplyChannel.Settings(
                  options.confirmWindow(), options.publishTimeout(), tasks, () -> topologyReady),
              receiver,
              replyChannels::remove);
      replyChannels.add(channel);
      return channel;
    } catch (IOException | ShutdownSignalException e) {
      throw new BrokerUnavailableException(
          "RabbitMQ at "
              + where
              + " is unavailable: cannot consume replies from "
              + ReplyChannel.DIRECT_REPLY_TO
              + ": "
              + BrokerErrors.reason(e),
          e);
    }
  }

  // ------------------------------------------------------------------------------- consuming

  @Override
  public ConsumerHandle consume(String queue, int prefetch, DeliveryHandler handler) {
    requireOpen();
    Channel ch = null;
    RabbitMqConsumer consumer = null;
    try {
      ch = connection.createChannel();
      if (ch == null) {
        throw new IOException("the connection has no free channel number");
      }
      ch.basicQos(prefetch);
      String tag = "warren-" + options.instanceId() + "-" + consumerTags.incrementAndGet();
      consumer =
          new RabbitMqConsumer(
              ch,
              () -> consumerChannel(prefetch),
              retry -> tasks.schedule(retry, 1, TimeUnit.SECONDS),
              queue,
              tag,
              handler,
              connectionLosses::get,
              this::execute,
              consumers::remove);
      consumers.add(consumer);
      consumer.start();
      return consumer;
    } catch (IOException | ShutdownSignalException e) {
      if (consumer != null) {
        consumers.remove(consumer);
      }
      abort(ch);
      throw consumeFailed(queue, e);
    }
  }

  /**
   * A new channel for a consumer whose channel the broker closed (see {@link RabbitMqConsumer}).
   */
  private Channel consumerChannel(int prefetch) throws IOException {
    requireOpen();
    Channel ch = connection.createChannel();
    if (ch == null) {
      throw new IOException("the connection has no free channel number");
    }
    ch.basicQos(prefetch);
    return ch;
  }

  private RuntimeException consumeFailed(String queue, Exception e) {
    AMQP.Channel.Close refusal = BrokerErrors.channelClose(BrokerErrors.signal(e));
    if (refusal == null) {
      return new BrokerUnavailableException(
          "RabbitMQ at "
              + where
              + " is unavailable: cannot consume from queue '"
              + queue
              + "': "
              + BrokerErrors.reason(e),
          e);
    }
    String text = BrokerErrors.text(refusal.getReplyText());
    return switch (refusal.getReplyCode()) {
      case BrokerErrors.NOT_FOUND ->
          new WarrenException("cannot consume from queue '" + queue + "': it does not exist", e);
      case BrokerErrors.RESOURCE_LOCKED ->
          new WarrenException(
              "cannot consume from queue '" + queue + "': exclusive to another connection", e);
      default -> new WarrenException("cannot consume from queue '" + queue + "': " + text, e);
    };
  }

  @Override
  public Optional<Delivery> get(String queue) {
    requireOpen();
    Channel ch = null;
    try {
      ch = connection.createChannel();
      if (ch == null) {
        throw new IOException("the connection has no free channel number");
      }
      GetResponse r = ch.basicGet(queue, false);
      if (r == null) {
        abort(ch);
        return Optional.empty();
      }
      Channel owner = ch;
      return Optional.of(
          new RabbitMqDelivery(
              ch,
              r.getEnvelope(),
              MessageMapper.toMessage(r.getProps(), r.getBody()),
              queue,
              connectionLosses::get,
              () -> close(owner)));
    } catch (IOException | ShutdownSignalException e) {
      abort(ch);
      AMQP.Channel.Close refusal = BrokerErrors.channelClose(BrokerErrors.signal(e));
      if (refusal != null && refusal.getReplyCode() == BrokerErrors.NOT_FOUND) {
        throw new WarrenException("cannot get from queue '" + queue + "': it does not exist", e);
      }
      if (refusal != null) {
        throw new WarrenException(
            "cannot get from queue '" + queue + "': " + BrokerErrors.text(refusal.getReplyText()),
            e);
      }
      throw new BrokerUnavailableException(
          "RabbitMQ at "
              + where
              + " is unavailable: cannot get from queue '"
              + queue
              + "': "
              + BrokerErrors.reason(e),
          e);
    }
  }

  @Override
  public List<BrowsedMessage> browse(String queue, int limit) {
    requireOpen();
    if (limit < 1) {
      throw new IllegalArgumentException("browse limit " + limit + " is below 1");
    }
    Channel ch = null;
    try {
      ch = connection.createChannel();
      if (ch == null) {
        throw new IOException("the connection has no free channel number");
      }
      // why: one channel, so the broker sees the gets and returns in the order sent, and the
      // returns are handled before the close is confirmed
      List<BrowsedMessage> out = new ArrayList<>();
      List<Long> tags = new ArrayList<>();
      while (out.size() < limit) {
        GetResponse r = ch.basicGet(queue, false);
        if (r == null) {
          break;
        }
        Envelope env = r.getEnvelope();
        tags.add(env.getDeliveryTag());
        out.add(
            new BrowsedMessage(
                MessageMapper.toMessage(r.getProps(), r.getBody()),
                env.getExchange(),
                env.getRoutingKey(),
                env.isRedeliver()));
      }
      // why: one by one in the order taken, which a classic queue does not need (it puts each back
      // at its place) and which is the best a quorum queue allows (it puts them back where it
      // chooses; a multiple nack is applied in an order of its own)
      for (long tag : tags) {
        ch.basicReject(tag, true);
      }
      ch.close();
      return List.copyOf(out);
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      abort(ch);
      AMQP.Channel.Close refusal = BrokerErrors.channelClose(BrokerErrors.signal(e));
      if (refusal != null && refusal.getReplyCode() == BrokerErrors.NOT_FOUND) {
        throw new WarrenException("cannot read queue '" + queue + "': it does not exist", e);
      }
      if (refusal != null) {
        throw new WarrenException(
            "cannot read queue '" + queue + "': " + BrokerErrors.text(refusal.getReplyText()), e);
      }
      throw new BrokerUnavailableException(
          "RabbitMQ at "
              + where
              + " is unavailable: cannot read queue '"
              + queue
              + "': "
              + BrokerErrors.reason(e),
          e);
    }
  }

  private void execute(Runnable task) {
    try {
      tasks.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /**
   * Closes a {@code basic.get} channel once its delivery is settled, waiting for the broker.
   *
   * <p>why: the broker handles the ack or reject before it confirms the close, so once {@link
   * Delivery#reject} returns a requeued message is back in its queue for everyone, as with the
   * in-memory transport (peeking at dead letters relies on it)
   */
  private static void close(Channel ch) {
    try {
      ch.close();
    } catch (IOException | TimeoutException | RuntimeException e) {
      abort(ch);
    }
  }

  private static void abort(Channel ch) {
    if (ch != null) {
      try {
        // why: abort also unregisters the channel from connection recovery
        ch.abort();
      } catch (IOException | RuntimeException ignored) {
        // closed either way
      }
    }
  }

  // ------------------------------------------------------------------------------- closing

  /**
   * Cancels the consumers, waits up to {@link WarrenOptions#shutdownTimeout()} for the confirms of
   * publishes under way (failing those still unconfirmed then), and closes both connections.
   * Deliveries not settled by then go back to their queues. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    publisher.stopAccepting();
    for (RabbitMqConsumer c : List.copyOf(consumers)) {
      c.cancel();
    }
    for (RabbitMqReplyChannel r : List.copyOf(replyChannels)) {
      r.close();
    }
    publisher.drain(options.shutdownTimeout());
    admin.close();
    closePublishing();
    closeConnection(connection);
    tasks.shutdownNow();
    try {
      tasks.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("RabbitMQ at {}: closed", where);
  }

  /**
   * Closes the publishing connection; when that has not returned after {@link #CLOSE_TIMEOUT_MS},
   * closes its socket.
   *
   * <p>why: while a resource alarm blocks the connection the broker reads nothing, so a write can
   * block for as long as the alarm lasts, holding the connection's output; the close frame waits
   * behind it. Closing the socket fails both writes. The connection is closed by then, so it does
   * not recover.
   */
  private void closePublishing() {
    Thread closer = new Thread(() -> closeConnection(publishing), "warren-close-publishing");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(CLOSE_TIMEOUT_MS + 1000);
      if (closer.isAlive()) {
        log.warn(
            "RabbitMQ at {}: the publishing connection did not close in {} ms{}; closing its"
                + " socket",
            where,
            CLOSE_TIMEOUT_MS,
            publisher.blocked().map(r -> " (the broker blocks it: " + r + ")").orElse(""));
        Socket socket = publishingSocket.get();
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException e) {
            // closed either way
          }
        }
        closer.join(CLOSE_TIMEOUT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeConnection(Connection c) {
    try {
      c.close(CLOSE_TIMEOUT_MS);
    } catch (IOException | RuntimeException e) {
      // why: a connection that is down (or recovering) is stopped by close too; abort frees it
      c.abort(CLOSE_TIMEOUT_MS);
    }
  }

  @Override
  public String toString() {
    return "RabbitMqTransport[" + describe() + "]";
  }
}
