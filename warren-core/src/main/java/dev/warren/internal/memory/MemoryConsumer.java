package dev.warren.internal.memory;

import dev.warren.internal.memory.MemoryQueue.MemoryDelivery;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.DeliveryHandler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consumer on a {@link MemoryQueue}: its prefetch window and the deliveries it holds.
 *
 * <p>Cancelling stops deliveries at once, but the consumer stays on its queue until every delivery
 * it handed over is settled, as the RabbitMQ transport keeps its channel: on a single-active-
 * consumer queue the next consumer starts only then, after the messages given back, so a
 * partition's order survives the hand-over.
 */
final class MemoryConsumer implements ConsumerHandle {
  private final MemoryQueue queue;
  private final InMemoryTransport connection;
  private final int prefetch;
  private final DeliveryHandler handler;

  /** Guards {@link #cancelled} and {@link #waitingForClock} too. */
  private final Set<MemoryDelivery> unsettled = new LinkedHashSet<>();

  /** The deliveries the handler holds until a timer of the clock fires. */
  private final Set<MemoryDelivery> waitingForClock = new HashSet<>();

  private final boolean getter;
  private final AtomicBoolean gone = new AtomicBoolean();
  private volatile boolean active = true;
  private boolean cancelled;

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

  /**
   * Forgets a delivery being settled.
   *
   * @return whether it was the last one a cancelled consumer waited for: then it must {@link
   *     #leave()} once the queue has settled it
   */
  boolean release(MemoryDelivery d) {
    boolean idleGetter;
    boolean lastHeld;
    synchronized (unsettled) {
      unsettled.remove(d);
      waitingForClock.remove(d);
      idleGetter = getter && unsettled.isEmpty();
      lastHeld = cancelled && !getter && unsettled.isEmpty();
    }
    if (idleGetter) {
      connection.forget(this);
    }
    return lastHeld;
  }

  /**
   * Marks a delivery as held until a timer of the clock fires, or no longer; see {@link
   * dev.warren.transport.Delivery#waitingForClock}.
   */
  void waitingForClock(MemoryDelivery d, boolean waiting) {
    synchronized (unsettled) {
      if (!waiting) {
        waitingForClock.remove(d);
      } else if (unsettled.contains(d)) {
        waitingForClock.add(d);
      }
    }
  }

  /**
   * Called with the queue lock held.
   *
   * @return how many of its unsettled deliveries wait for the clock: all of them while the handler
   *     holds one for a timer (why: the rest are queued behind it in the handler, as in an ordered
   *     lane), else none
   */
  int waitingForClock() {
    synchronized (unsettled) {
      return waitingForClock.isEmpty() ? 0 : unsettled.size();
    }
  }

  /** Takes a cancelled consumer off its queue, once. */
  void leave() {
    if (gone.compareAndSet(false, true)) {
      queue.removeConsumer(this);
      connection.forget(this);
    }
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
    boolean holdsNothing;
    synchronized (unsettled) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      active = false;
      holdsNothing = unsettled.isEmpty();
    }
    if (holdsNothing) {
      leave();
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
      waitingForClock.clear();
    }
    // why: removing the consumer and requeueing in one step, so a single-active-consumer queue's
    // next consumer sees the returned messages first
    if (gone.compareAndSet(false, true)) {
      queue.consumerGone(this, back);
    } else if (!back.isEmpty()) {
      queue.requeueAll(back);
    }
  }

  void queueDeleted() {
    active = false;
  }
}
