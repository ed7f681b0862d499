package dev.warren.internal.memory;

import dev.warren.internal.memory.MemoryQueue.MemoryDelivery;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.DeliveryHandler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A consumer on a {@link MemoryQueue}: its prefetch window and the deliveries it holds. */
final class MemoryConsumer implements ConsumerHandle {
  private final MemoryQueue queue;
  private final InMemoryTransport connection;
  private final int prefetch;
  private final DeliveryHandler handler;
  private final Set<MemoryDelivery> unsettled = new LinkedHashSet<>();
  private final boolean getter;
  private volatile boolean active = true;

  MemoryConsumer(
      MemoryQueue queue, InMemoryTransport connection, int prefetch, DeliveryHandler handler) {
    this.queue = queue;
    this.connection = connection;
    this.prefetch = prefetch;
    this.handler = handler;
    this.getter = handler == null;
  }

  /** Called with the queue lock held. */
  boolean hasRoom() {
    synchronized (unsettled) {
      return active && unsettled.size() < prefetch;
    }
  }

  /** Called with the queue lock held, so deliveries reach the handler in queue order. */
  void deliver(MemoryDelivery d) {
    synchronized (unsettled) {
      unsettled.add(d);
    }
    try {
      handler.onDelivery(d);
    } catch (RuntimeException e) {
      // why: a handler that throws must not break the queue; the delivery stays unacked and
      // comes back when this consumer's connection closes, as with RabbitMQ
    }
  }

  boolean release(MemoryDelivery d) {
    boolean idleGetter;
    synchronized (unsettled) {
      unsettled.remove(d);
      idleGetter = getter && unsettled.isEmpty();
    }
    if (idleGetter) {
      connection.forget(this);
    }
    return true;
  }

  /** Holds a message taken with a get, so the connection's close returns it to the queue. */
  void hold(MemoryDelivery d) {
    synchronized (unsettled) {
      unsettled.add(d);
    }
  }

  @Override
  public boolean isActive() {
    return active && connection.isConnected();
  }

  @Override
  public void cancel() {
    if (active) {
      active = false;
      queue.removeConsumer(this);
      connection.forget(this);
    }
  }

  @Override
  public void abort() {
    if (!getter) {
      connection.forget(this);
    }
    connectionClosed();
  }

  /** The connection closed: the broker takes back what this consumer held, in order. */
  void connectionClosed() {
    active = false;
    List<MemoryDelivery> back = new ArrayList<>();
    synchronized (unsettled) {
      for (MemoryDelivery d : unsettled) {
        if (d.abandon()) {
          back.add(d);
        }
      }
      unsettled.clear();
    }
    // why: removing the consumer and requeueing in one step, so a single-active-consumer queue's
    // next consumer sees the returned messages first
    queue.consumerGone(this, back);
  }

  void queueDeleted() {
    active = false;
  }
}
