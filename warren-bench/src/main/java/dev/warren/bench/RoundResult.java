package dev.warren.bench;

import org.HdrHistogram.Histogram;

/**
 * What one contender did in one round.
 *
 * @param messages messages completed in the round (confirmed, or handled end to end)
 * @param nanos the round's measured length
 * @param latency latencies in nanoseconds, or {@code null} when the scenario measures none
 */
public record RoundResult(long messages, long nanos, Histogram latency) {
  /**
   * @return messages per second
   */
  public double perSecond() {
    return nanos == 0 ? 0 : messages * 1e9 / nanos;
  }
}
