package dev.warren.internal.memory;

import dev.warren.WarrenClock;
import dev.warren.WarrenException;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A connection to an {@link InMemoryBroker}. Publishing is confirmed once the message sits in every
 * queue it routes to, and fails with {@link dev.warren.PublishRejectedException} when a full queue
 * refuses it (RabbitMQ's negative confirm); closing the connection returns its consumers'
 * unacknowledged messages to their queues, as a dropped RabbitMQ connection does.
 */
public final class InMemoryTransport implements Transport {
  private static final CompletableFuture<Void> CONFIRMED = CompletableFuture.completedFuture(null);

  private final InMemoryBroker broker;
  private final boolean ownsBroker;
  private final List<MemoryConsumer> consumers = new CopyOnWriteArrayList<>();
  private volatile boolean open = true;

  /**
   * A connection to a broker that outlives it, shared with other connections.
   *
   * @param broker the broker to connect to
   */
  public InMemoryTransport(InMemoryBroker broker) {
    this(broker, false);
  }

  private InMemoryTransport(InMemoryBroker broker, boolean ownsBroker) {
    this.broker = broker;
    this.ownsBroker = ownsBroker;
  }

  /**
   * @return a connection to a new broker of its own, whose queues and timer thread go when it
   *     closes
   */
  public static InMemoryTransport withOwnBroker() {
    return withOwnBroker(WarrenClock.system());
  }

  /**
   * @param clock the clock the broker's timers run on
   * @return a connection to a new broker of its own, whose queues and timers go when it closes
   */
  public static InMemoryTransport withOwnBroker(WarrenClock clock) {
    return new InMemoryTransport(new InMemoryBroker(clock), true);
  }

  InMemoryBroker broker() {
    return broker;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String describe() {
    String what =
        broker.name() == null
            ? "embedded in-memory broker"
            : "embedded in-memory broker '" + broker.name() + "'";
    return open ? what : what + " (closed)";
  }

  @Override
  public boolean isConnected() {
    return open;
  }

  private void requireOpen() {
    if (!open) {
      throw new WarrenException("the in-memory transport is closed");
    }
  }

  /** The in-memory broker models quorum queues' delivery limit and at-least-once dead letters. */
  @Override
  public boolean supportsQuorumQueues() {
    return true;
  }

  @Override
  public void declareExchange(ExchangeSpec spec) {
    requireOpen();
    broker.declareExchange(spec);
  }

  @Override
  public void declareQueue(QueueSpec spec) {
    requireOpen();
    broker.declareQueue(spec, this);
  }

  @Override
  public void bind(String queue, String exchange, String bindingKey) {
    requireOpen();
    broker.bind(queue, exchange, bindingKey);
  }

  @Override
  public void bindExchange(String destination, String source, String bindingKey) {
    requireOpen();
    broker.bindExchange(destination, source, bindingKey);
  }

  @Override
  public List<QueueInfo> listQueues() {
    requireOpen();
    return broker.list();
  }

  @Override
  public void unbind(String queue, String exchange, String bindingKey) {
    requireOpen();
    broker.unbind(queue, exchange, bindingKey);
  }

  @Override
  public void deleteQueue(String queue) {
    requireOpen();
    broker.deleteQueue(queue);
  }

  @Override
  public long purgeQueue(String queue) {
    requireOpen();
    return broker.purge(queue);
  }

  @Override
  public Optional<QueueInfo> queueInfo(String queue) {
    requireOpen();
    return broker.info(queue);
  }

  @Override
  public CompletableFuture<Void> publish(String exchange, String routingKey, Message message) {
    if (!open) {
      return CompletableFuture.failedFuture(
          new WarrenException("the in-memory transport is closed"));
    }
    try {
      if (exchange.isEmpty() && ReplyChannel.isReplyAddress(routingKey)) {
        // why: as RabbitMQ's direct reply-to, a reply goes straight to its requester, or nowhere
        broker.replyTo().deliver(routingKey, message);
        return CONFIRMED;
      }
      broker.route(exchange, routingKey, message);
      return CONFIRMED;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public ReplyChannel replies(ReplyReceiver receiver) {
    requireOpen();
    return broker.replyTo().open(this, receiver);
  }

  @Override
  public ConsumerHandle consume(String queue, int prefetch, DeliveryHandler handler) {
    requireOpen();
    MemoryQueue q = broker.requireQueue(queue);
    MemoryConsumer c = new MemoryConsumer(q, this, prefetch, handler);
    consumers.add(c);
    q.addConsumer(c);
    return c;
  }

  MemoryConsumer getter(MemoryQueue q) {
    // why: a message taken with get is unacked; the connection must return it if it closes first
    MemoryConsumer c = new MemoryConsumer(q, this, Integer.MAX_VALUE, null);
    consumers.add(c);
    return c;
  }

  void forget(MemoryConsumer c) {
    consumers.remove(c);
  }

  @Override
  public Optional<Delivery> get(String queue) {
    requireOpen();
    return Optional.ofNullable(broker.requireQueue(queue).get(this));
  }

  @Override
  public List<BrowsedMessage> browse(String queue, int limit) {
    requireOpen();
    if (limit < 1) {
      throw new IllegalArgumentException("browse limit " + limit + " is below 1");
    }
    return broker.requireQueue(queue).browse(limit);
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    for (MemoryConsumer c : consumers) {
      c.connectionClosed();
    }
    consumers.clear();
    broker.connectionClosed(this);
    if (ownsBroker) {
      broker.close();
    }
  }
}
