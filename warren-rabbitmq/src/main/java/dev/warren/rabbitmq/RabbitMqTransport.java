package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.BrokerUnavailableException;
import dev.warren.PublishRejectedException;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.DeliveryHandler;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ transport: one connection with automatic connection and topology recovery, one
 * confirm channel for publishing with a bounded window of pipelined confirms, one channel per
 * consumer, short-lived channels for declarations (so a refused declaration never closes a channel
 * that carries traffic).
 *
 * <p>Publishes whose confirm was lost with the connection are kept and published again once the
 * connection recovered; their futures complete only on a confirm from the broker.
 */
public final class RabbitMqTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqTransport.class);

  private final WarrenOptions options;
  private final Connection connection;
  private final String where;
  private final Semaphore window;
  private final ReentrantLock publishLock = new ReentrantLock();
  private final ConcurrentNavigableMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final List<RabbitConsumer> consumers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;
  private final ManagementApi management;
  private Channel publishChannel;
  private Channel getChannel;
  private volatile boolean connected = true;
  private volatile boolean closed;

  /** A publish on its way: kept until the broker confirms it, republished after a recovery. */
  private record Pending(
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body,
      CompletableFuture<Void> future) {}

  private RabbitMqTransport(WarrenOptions options, Connection connection, String where) {
    this.options = options;
    this.connection = connection;
    this.where = where;
    this.window = new Semaphore(options.confirmWindow());
    this.management = new ManagementApi(options.rabbitmqUri());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-rabbitmq-timer");
              t.setDaemon(true);
              return t;
            });
    try {
      openPublishChannel();
    } catch (IOException e) {
      throw new BrokerUnavailableException("cannot open a channel on " + where + ": " + e, e);
    }
    connection.addShutdownListener(this::connectionLost);
    ((Recoverable) connection)
        .addRecoveryListener(
            new RecoveryListener() {
              @Override
              public void handleRecovery(Recoverable recoverable) {
                recovered();
              }

              @Override
              public void handleRecoveryStarted(Recoverable recoverable) {
                log.info("RabbitMQ at {}: recovering the connection", where);
              }
            });
  }

  /**
   * Connects, retrying an unreachable broker with backoff up to the connect timeout.
   *
   * @param options the options, with a RabbitMQ URI
   * @return a connected transport
   */
  public static RabbitMqTransport connect(WarrenOptions options) {
    ConnectionFactory factory = new ConnectionFactory();
    String display = options.rabbitmqUriForDisplay();
    try {
      factory.setUri(options.rabbitmqUri());
    } catch (Exception e) {
      throw new WarrenException("RabbitMQ URL '" + display + "' is not usable: " + e.getMessage());
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(1000);
    factory.setRequestedHeartbeat(10);
    factory.setConnectionTimeout(5000);
    String where =
        factory.getHost() + ":" + factory.getPort() + " vhost " + factory.getVirtualHost();
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    long backoff = 100;
    while (true) {
      try {
        Connection c = factory.newConnection("warren-" + options.instanceId());
        return new RabbitMqTransport(options, c, where);
      } catch (IOException | TimeoutException e) {
        String reason = rootMessage(e);
        if (reason.contains("ACCESS_REFUSED") || reason.contains("NOT_ALLOWED")) {
          throw new BrokerUnavailableException(
              "RabbitMQ at " + display + " refused us: " + reason, e);
        }
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
          throw new BrokerUnavailableException(
              "RabbitMQ at "
                  + display
                  + " unreachable after "
                  + options.connectTimeout().toSeconds()
                  + " s: "
                  + reason,
              e);
        }
        log.warn("RabbitMQ at {} unreachable ({}); retrying in {} ms", display, reason, backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new BrokerUnavailableException("interrupted while connecting to " + display, ie);
        }
        backoff = Math.min(backoff * 2, 2000);
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  private void openPublishChannel() throws IOException {
    Channel ch = connection.createChannel();
    ch.confirmSelect();
    ch.addConfirmListener(this::confirmed, this::rejected);
    publishChannel = ch;
  }

  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public String describe() {
    return connected && connection.isOpen()
        ? "connected to " + where
        : "disconnected from " + where + " (recovering)";
  }

  @Override
  public boolean isConnected() {
    return connected && connection.isOpen() && !closed;
  }

  // ---------------------------------------------------------------- publishing

  @Override
  public CompletableFuture<Void> publish(String exchange, String routingKey, Message message) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new WarrenException("the RabbitMQ transport is closed"));
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    try {
      if (!window.tryAcquire(options.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        return CompletableFuture.failedFuture(
            new BrokerUnavailableException(
                "no confirm from RabbitMQ at "
                    + where
                    + " for "
                    + options.confirmWindow()
                    + " publishes within "
                    + options.publishTimeout()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(new WarrenException("interrupted while publishing", e));
    }
    future.whenComplete((v, e) -> window.release());
    Pending p = new Pending(exchange, routingKey, properties(message), message.body(), future);
    send(p);
    if (!future.isDone()) {
      timer.schedule(() -> expire(p), options.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
    return future;
  }

  private void send(Pending p) {
    publishLock.lock();
    try {
      if (!connected || publishChannel == null || !publishChannel.isOpen()) {
        waiting.add(p);
        return;
      }
      long seq = publishChannel.getNextPublishSeqNo();
      outstanding.put(seq, p);
      try {
        publishChannel.basicPublish(p.exchange, p.routingKey, false, p.props, p.body);
      } catch (IOException | AlreadyClosedException e) {
        outstanding.remove(seq);
        waiting.add(p);
      }
    } finally {
      publishLock.unlock();
    }
  }

  /** The publish timeout ran out: fail it if the broker is still away and never confirmed. */
  private void expire(Pending p) {
    if (p.future.isDone()) {
      return;
    }
    boolean removed;
    publishLock.lock();
    try {
      removed = waiting.remove(p);
    } finally {
      publishLock.unlock();
    }
    if (removed) {
      p.future.completeExceptionally(
          new BrokerUnavailableException(
              "RabbitMQ at " + where + " unavailable for " + options.publishTimeout()));
    }
  }

  private void confirmed(long seq, boolean multiple) {
    settle(seq, multiple, null);
  }

  private void rejected(long seq, boolean multiple) {
    settle(seq, multiple, "RabbitMQ refused the message (negative confirm)");
  }

  private void settle(long seq, boolean multiple, String error) {
    List<Pending> done = new ArrayList<>();
    if (multiple) {
      ConcurrentNavigableMap<Long, Pending> head = outstanding.headMap(seq, true);
      done.addAll(head.values());
      head.clear();
    } else {
      Pending p = outstanding.remove(seq);
      if (p != null) {
        done.add(p);
      }
    }
    for (Pending p : done) {
      if (error == null) {
        p.future.complete(null);
      } else {
        p.future.completeExceptionally(
            new PublishRejectedException(error + " for routing key '" + p.routingKey + "'"));
      }
    }
  }

  private void connectionLost(ShutdownSignalException cause) {
    if (closed) {
      return;
    }
    connected = false;
    log.warn("RabbitMQ at {}: connection lost ({})", where, cause.getMessage());
    publishLock.lock();
    try {
      // why: their confirms died with the connection; they go out again after recovery
      List<Pending> unconfirmed = new ArrayList<>(outstanding.values());
      outstanding.clear();
      for (int i = unconfirmed.size() - 1; i >= 0; i--) {
        waiting.addFirst(unconfirmed.get(i));
      }
    } finally {
      publishLock.unlock();
    }
  }

  private void recovered() {
    log.info("RabbitMQ at {}: connection recovered", where);
    publishLock.lock();
    try {
      outstanding.clear();
      connected = true;
      List<Pending> again = new ArrayList<>(waiting);
      waiting.clear();
      for (Pending p : again) {
        if (!p.future.isDone()) {
          send(p);
        }
      }
    } finally {
      publishLock.unlock();
    }
  }

  private static AMQP.BasicProperties properties(Message m) {
    return new AMQP.BasicProperties.Builder()
        .messageId(m.messageId())
        .type(m.type())
        .contentType(m.contentType())
        .correlationId(m.correlationId())
        .appId(m.appId())
        .timestamp(m.timestamp() == null ? null : Date.from(m.timestamp()))
        .expiration(m.expiration() == null ? null : Long.toString(m.expiration()))
        .deliveryMode(m.persistent() ? 2 : 1)
        .headers(m.headers().isEmpty() ? null : m.headers())
        .build();
  }

  static Message message(AMQP.BasicProperties p, byte[] body) {
    Map<String, Object> headers = new LinkedHashMap<>();
    if (p.getHeaders() != null) {
      for (Map.Entry<String, Object> e : p.getHeaders().entrySet()) {
        headers.put(e.getKey(), plain(e.getValue()));
      }
    }
    Long expiration = null;
    if (p.getExpiration() != null) {
      try {
        expiration = Long.parseLong(p.getExpiration());
      } catch (NumberFormatException ignored) {
        // a foreign producer's malformed expiration: treat as none
      }
    }
    return new Message(
        p.getMessageId(),
        p.getType(),
        p.getContentType(),
        p.getCorrelationId(),
        p.getAppId(),
        p.getTimestamp() == null ? null : p.getTimestamp().toInstant(),
        expiration,
        p.getDeliveryMode() != null && p.getDeliveryMode() == 2,
        headers,
        body);
  }

  /** amqp-client hands strings over as LongString, also inside lists and tables. */
  private static Object plain(Object v) {
    if (v instanceof LongString s) {
      return s.toString();
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(plain(o));
      }
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(String.valueOf(e.getKey()), plain(e.getValue()));
      }
      return out;
    }
    if (v instanceof Date d) {
      return d.toInstant().toString();
    }
    return v;
  }

  // ---------------------------------------------------------------- topology

  @FunctionalInterface
  private interface ChannelWork<T> {
    T run(Channel channel) throws IOException;
  }

  /** Runs one operation on a channel of its own, translating broker refusals. */
  private <T> T onChannel(String what, ChannelWork<T> work) {
    if (closed) {
      throw new WarrenException("the RabbitMQ transport is closed");
    }
    Channel ch = null;
    try {
      ch = connection.createChannel();
      return work.run(ch);
    } catch (AlreadyClosedException e) {
      throw new BrokerUnavailableException("RabbitMQ at " + where + " is unavailable: " + what, e);
    } catch (IOException | ShutdownSignalException e) {
      throw translate(what, e);
    } finally {
      if (ch != null && ch.isOpen()) {
        try {
          ch.close();
        } catch (IOException | TimeoutException | AlreadyClosedException ignored) {
          // the operation's result stands either way
        }
      }
    }
  }

  private RuntimeException translate(String what, Exception e) {
    ShutdownSignalException sse =
        e instanceof ShutdownSignalException s
            ? s
            : e.getCause() instanceof ShutdownSignalException s2 ? s2 : null;
    if (sse != null && sse.getReason() instanceof AMQP.Channel.Close close) {
      String text = close.getReplyText();
      if (close.getReplyCode() == 406) {
        return new TopologyMismatchException(what + ": " + text, e);
      }
      if (close.getReplyCode() == 404) {
        return new WarrenException(what + ": " + text, e);
      }
      return new WarrenException(what + ": " + text, e);
    }
    return new BrokerUnavailableException(
        "RabbitMQ at " + where + " failed to " + what + ": " + rootMessage(e), e);
  }

  @Override
  public void declareExchange(ExchangeSpec spec) {
    String type =
        switch (spec.type()) {
          case TOPIC -> BuiltinExchangeType.TOPIC.getType();
          case DIRECT -> BuiltinExchangeType.DIRECT.getType();
          case FANOUT -> BuiltinExchangeType.FANOUT.getType();
          case CONSISTENT_HASH -> "x-consistent-hash";
        };
    onChannel(
        "declare exchange '" + spec.name() + "'",
        ch ->
            ch.exchangeDeclare(
                spec.name(), type, spec.durable(), false, false, new HashMap<>(spec.arguments())));
  }

  @Override
  public void declareQueue(QueueSpec spec) {
    onChannel(
        "declare queue '" + spec.name() + "'",
        ch ->
            ch.queueDeclare(
                spec.name(),
                spec.durable(),
                spec.exclusive(),
                spec.autoDelete(),
                new HashMap<>(spec.arguments())));
  }

  @Override
  public void bind(String queue, String exchange, String bindingKey) {
    onChannel(
        "bind queue '" + queue + "' to '" + exchange + "' with '" + bindingKey + "'",
        ch -> ch.queueBind(queue, exchange, bindingKey));
  }

  @Override
  public void bindExchange(String destination, String source, String bindingKey) {
    onChannel(
        "bind exchange '" + destination + "' to '" + source + "' with '" + bindingKey + "'",
        ch -> ch.exchangeBind(destination, source, bindingKey));
  }

  @Override
  public void unbind(String queue, String exchange, String bindingKey) {
    onChannel(
        "unbind queue '" + queue + "' from '" + exchange + "'",
        ch -> ch.queueUnbind(queue, exchange, bindingKey));
  }

  @Override
  public void deleteQueue(String queue) {
    onChannel("delete queue '" + queue + "'", ch -> ch.queueDelete(queue));
  }

  @Override
  public long purgeQueue(String queue) {
    if (queueInfo(queue).isEmpty()) {
      throw new WarrenException("queue '" + queue + "' does not exist");
    }
    return onChannel(
        "purge queue '" + queue + "'", ch -> (long) ch.queuePurge(queue).getMessageCount());
  }

  @Override
  public Optional<QueueInfo> queueInfo(String queue) {
    try {
      return onChannel(
          "inspect queue '" + queue + "'",
          ch -> {
            AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(queue);
            return Optional.of(new QueueInfo(queue, ok.getMessageCount(), ok.getConsumerCount()));
          });
    } catch (TopologyMismatchException | BrokerUnavailableException e) {
      throw e;
    } catch (WarrenException e) {
      if (e.getMessage().contains("NOT_FOUND")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<QueueInfo> listQueues() {
    return management.queues();
  }

  // ---------------------------------------------------------------- consuming

  @Override
  public ConsumerHandle consume(String queue, int prefetch, DeliveryHandler handler) {
    try {
      Channel ch = connection.createChannel();
      ch.basicQos(prefetch);
      RabbitConsumer c = new RabbitConsumer(this, ch, queue, handler);
      c.start();
      consumers.add(c);
      return c;
    } catch (IOException | ShutdownSignalException e) {
      throw translate("consume from '" + queue + "'", e);
    }
  }

  void forget(RabbitConsumer c) {
    consumers.remove(c);
  }

  @Override
  public synchronized Optional<Delivery> get(String queue) {
    try {
      if (getChannel == null || !getChannel.isOpen()) {
        getChannel = connection.createChannel();
      }
      GetResponse r = getChannel.basicGet(queue, false);
      if (r == null) {
        return Optional.empty();
      }
      Channel ch = getChannel;
      long tag = r.getEnvelope().getDeliveryTag();
      return Optional.of(
          new RabbitDelivery(
              message(r.getProps(), r.getBody()),
              r.getEnvelope().getExchange(),
              r.getEnvelope().getRoutingKey(),
              r.getEnvelope().isRedeliver(),
              ch,
              tag,
              null));
    } catch (IOException | ShutdownSignalException e) {
      throw translate("get from '" + queue + "'", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    for (RabbitConsumer c : consumers) {
      c.cancel();
    }
    long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
    while (!outstanding.isEmpty() && System.nanoTime() < deadline && connection.isOpen()) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closed = true;
    try {
      connection.close(2000);
    } catch (IOException | AlreadyClosedException e) {
      log.debug("closing the connection: {}", e.toString());
    }
    timer.shutdownNow();
    publishLock.lock();
    try {
      List<Pending> left = new ArrayList<>(outstanding.values());
      left.addAll(waiting);
      outstanding.clear();
      waiting.clear();
      for (Pending p : left) {
        p.future.completeExceptionally(
            new BrokerUnavailableException(
                "closed before RabbitMQ confirmed the message for '" + p.routingKey + "'"));
      }
    } finally {
      publishLock.unlock();
    }
  }
}
