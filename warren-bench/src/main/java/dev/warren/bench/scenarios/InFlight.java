package dev.warren.bench.scenarios;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bound on messages in flight (unconfirmed, or unconsumed end to end), the same for every
 * contender, plus the first failure any of them reported.
 */
final class InFlight {
  private static final long DRAIN_SECONDS = 60;

  private final int size;
  private final Semaphore permits;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  InFlight(int size) {
    this.size = size;
    this.permits = new Semaphore(size);
  }

  /**
   * @return false when the deadline passed first or a failure was reported
   */
  boolean acquireBefore(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
      return false;
    }
    if (failure.get() != null) {
      permits.release();
      return false;
    }
    return true;
  }

  /** Waits without a deadline: a fixed-rate publisher blocks, and the block shows as latency. */
  void acquire() throws InterruptedException, TimeoutException {
    if (!permits.tryAcquire(DRAIN_SECONDS, TimeUnit.SECONDS)) {
      throw new TimeoutException("nothing completed for " + DRAIN_SECONDS + " s");
    }
  }

  void release() {
    permits.release();
  }

  void fail(Throwable error) {
    failure.compareAndSet(null, error);
    permits.release();
  }

  /** Waits until everything in flight completed, then throws the first failure, if any. */
  void drain(String what) throws Exception {
    if (!permits.tryAcquire(size, DRAIN_SECONDS, TimeUnit.SECONDS)) {
      throw new TimeoutException(
          what + ": " + (size - permits.availablePermits()) + " still in flight after 60 s");
    }
    permits.release(size);
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException(what + " failed: " + error, error);
    }
  }
}
