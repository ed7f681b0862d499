package dev.warren.rabbitmq.cluster;

import dev.warren.Event;
import dev.warren.Warren;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady stream of confirmed publishes through {@link Warren#publish(Event)}, and the handler
 * that receives them: which events were published, confirmed, failed and handled, and when the
 * first event published after a given moment was confirmed and handled.
 *
 * <p>Events are {@code e-<sequence number>}; the handler is {@link #handle(Event)}.
 */
final class ConfirmedLoad implements AutoCloseable {
  private final Warren warren;
  private final String type;
  private final long intervalNanos;
  private final AtomicLong sequence = new AtomicLong();
  private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> handledAt = new ConcurrentHashMap<>();
  private final AtomicInteger deliveries = new AtomicInteger();
  private final Map<Long, Long> confirmedAt = new ConcurrentHashMap<>();
  private final Thread publisher;
  private volatile boolean running = true;

  /**
   * @param warren publishes the events
   * @param type their type
   * @param perSecond how many to publish each second
   */
  ConfirmedLoad(Warren warren, String type, int perSecond) {
    this.warren = warren;
    this.type = type;
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.publisher = new Thread(this::publishLoop, "cluster-test-publisher");
  }

  ConfirmedLoad start() {
    publisher.start();
    return this;
  }

  private void publishLoop() {
    long next = System.nanoTime();
    while (running) {
      long n = sequence.incrementAndGet();
      String id = "e-" + n;
      try {
        warren
            .publish(Event.builder(type).id(id).jsonData("{\"n\":" + n + "}").build())
            .whenComplete(
                (e, err) -> {
                  if (err == null) {
                    confirmed.add(id);
                    confirmedAt.put(n, System.nanoTime());
                  } else {
                    failed.add(id);
                  }
                });
      } catch (RuntimeException e) {
        failed.add(id);
      }
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        // why: pacing the load, not waiting for a condition
        LockSupport.parkNanos(wait);
      } else if (wait < -1_000_000_000L) {
        next = System.nanoTime(); // a publish blocked for long: do not burst afterwards
      }
    }
  }

  /** The subscription's handler: records the event. */
  void handle(Event event) {
    deliveries.incrementAndGet();
    handledAt.putIfAbsent(event.id(), System.nanoTime());
  }

  /** Stops publishing and waits for the publisher thread. */
  void stopPublishing() {
    running = false;
    try {
      publisher.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for the publisher thread", e);
    }
    if (publisher.isAlive()) {
      throw new AssertionError("the publisher thread is still blocked 60 s after stop");
    }
  }

  /**
   * @return the sequence number of the last event published so far
   */
  long lastSequence() {
    return sequence.get();
  }

  long published() {
    return sequence.get();
  }

  Set<String> confirmed() {
    return confirmed;
  }

  Set<String> failed() {
    return failed;
  }

  Set<String> handled() {
    return handledAt.keySet();
  }

  int deliveries() {
    return deliveries.get();
  }

  /**
   * @return the confirmed events that were not handled
   */
  Set<String> lost() {
    Set<String> lost = new HashSet<>(confirmed);
    lost.removeAll(handledAt.keySet());
    return lost;
  }

  /**
   * @param afterSequence a sequence number
   * @return when ({@link System#nanoTime()}) the first event published after it was handled, or
   *     {@code Long.MAX_VALUE} when none has been yet
   */
  long firstHandledAfter(long afterSequence) {
    long first = Long.MAX_VALUE;
    for (Map.Entry<String, Long> e : handledAt.entrySet()) {
      if (Long.parseLong(e.getKey().substring(2)) > afterSequence) {
        first = Math.min(first, e.getValue());
      }
    }
    return first;
  }

  /**
   * @param from a {@link System#nanoTime()}
   * @return the longest time, in nanoseconds, from {@code from} on in which no event was handled
   *     for the first time
   */
  long longestPauseSince(long from) {
    List<Long> times = new ArrayList<>(handledAt.values());
    Collections.sort(times);
    long longest = 0;
    long previous = from;
    for (long t : times) {
      if (t > previous) {
        longest = Math.max(longest, t - previous);
        previous = t;
      }
    }
    return longest;
  }

  /**
   * @param afterSequence a sequence number
   * @return when ({@link System#nanoTime()}) the first event published after it was confirmed, or
   *     {@code Long.MAX_VALUE} when none has been yet
   */
  long firstConfirmedAfter(long afterSequence) {
    long first = Long.MAX_VALUE;
    for (Map.Entry<Long, Long> e : confirmedAt.entrySet()) {
      if (e.getKey() > afterSequence) {
        first = Math.min(first, e.getValue());
      }
    }
    return first;
  }

  @Override
  public void close() {
    if (running) {
      stopPublishing();
    }
  }
}
