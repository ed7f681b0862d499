package dev.warren.test;

import dev.warren.WarrenClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A clock that stands still until its owner moves it, and whose timers run only when the owner
 * asks, on the owner's thread: the embedded broker's TTL timers (and so Warren's delayed retries
 * and task countdowns) wait for {@link WarrenHarness#advance}, however long their delay.
 */
final class VirtualClock implements WarrenClock {
  /** A timer; {@code seq} keeps timers due at the same instant in the order they were set. */
  private record Timer(Instant due, long seq, Runnable action, CompletableFuture<Void> handle) {}

  private final Object lock = new Object();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(Comparator.comparing(Timer::due).thenComparingLong(Timer::seq));
  private Instant now;
  private long seq;

  VirtualClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public Future<?> schedule(Duration delay, Runnable action) {
    CompletableFuture<Void> handle = new CompletableFuture<>();
    synchronized (lock) {
      Instant due = delay.isNegative() ? now : now.plus(delay);
      timers.add(new Timer(due, seq++, action, handle));
    }
    return handle;
  }

  /**
   * @return when the next timer that was not cancelled is due, if any
   */
  Optional<Instant> nextDue() {
    synchronized (lock) {
      dropCancelled();
      Timer next = timers.peek();
      return next == null ? Optional.empty() : Optional.of(next.due());
    }
  }

  /**
   * @return whether a timer is due now and has not run
   */
  boolean hasDue() {
    synchronized (lock) {
      dropCancelled();
      Timer next = timers.peek();
      return next != null && !next.due().isAfter(now);
    }
  }

  /** Must hold the lock. */
  private void dropCancelled() {
    while (!timers.isEmpty() && timers.peek().handle().isDone()) {
      timers.poll();
    }
  }

  /**
   * Runs, on this thread and in the order they are due, the timers due now, including those they
   * set that are due now too.
   */
  void runDue() {
    while (true) {
      Timer t;
      synchronized (lock) {
        dropCancelled();
        t = timers.peek();
        if (t == null || t.due().isAfter(now)) {
          return;
        }
        timers.poll();
      }
      try {
        t.action().run();
        t.handle().complete(null);
      } catch (RuntimeException e) {
        // why: a timer of a broker closed meanwhile fails; the others must still run
        t.handle().completeExceptionally(e);
      }
    }
  }

  /**
   * Moves the time on; it never goes back.
   *
   * @param to the new time
   */
  void moveTo(Instant to) {
    synchronized (lock) {
      if (to.isAfter(now)) {
        now = to;
      }
    }
  }

  @Override
  public String toString() {
    return "a virtual clock at " + instant();
  }
}
