package dev.warren;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Future;

/**
 * Where Warren reads the time and sets its timers on the embedded in-memory transport: when a
 * delayed retry, a task's countdown or ETA is due, and when a message's or a queue's time to live
 * runs out. The system clock unless {@link WarrenOptions.Builder#clock} gives another; a test
 * harness gives a virtual clock, so an hour of retries passes in milliseconds.
 *
 * <p>On RabbitMQ the broker keeps the time (message TTLs run on its clock), so only the system
 * clock is accepted there.
 *
 * <pre>{@code
 * WarrenOptions options =
 *     WarrenOptions.builder().transport(WarrenOptions.TransportKind.MEMORY).clock(myClock).build();
 * }</pre>
 */
public interface WarrenClock extends InstantSource {
  /**
   * Runs an action once this clock has moved {@code delay} on from now.
   *
   * @param delay how long from now; zero or negative means as soon as possible
   * @param action what to run; it must not block, as other timers of the clock may wait for it
   * @return cancels the action: {@code cancel(false)} before it ran means it never runs
   */
  Future<?> schedule(Duration delay, Runnable action);

  /**
   * @return the system clock: {@link Instant#now()}, and timers on one daemon thread
   */
  static WarrenClock system() {
    return SystemClock.INSTANCE;
  }
}
