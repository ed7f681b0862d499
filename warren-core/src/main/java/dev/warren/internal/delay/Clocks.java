package dev.warren.internal.delay;

import dev.warren.WarrenClock;
import java.time.Instant;

/** Readings of a {@link WarrenClock} for measuring intervals. */
public final class Clocks {
  private Clocks() {}

  /**
   * @param clock a clock
   * @return its time in nanoseconds, only to compare with other readings of it: {@link
   *     System#nanoTime()} on the system clock (immune to wall-clock steps), the clock's instant
   *     otherwise
   */
  public static long nanoTime(WarrenClock clock) {
    if (clock == WarrenClock.system()) {
      return System.nanoTime();
    }
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
