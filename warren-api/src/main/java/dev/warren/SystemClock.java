package dev.warren;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@link WarrenClock#system()}: the system's time; its timer thread starts on first use. */
final class SystemClock implements WarrenClock {
  static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public Future<?> schedule(Duration delay, Runnable action) {
    return Timer.THREAD.schedule(action, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }

  @Override
  public String toString() {
    return "the system clock";
  }

  /** why: a holder, so a process that never sets a timer through this clock starts no thread. */
  private static final class Timer {
    static final ScheduledExecutorService THREAD =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-clock-timer");
              t.setDaemon(true);
              return t;
            });
  }
}
