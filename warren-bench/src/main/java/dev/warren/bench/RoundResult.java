package dev.warren.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one contender did in one round.
 *
 * @param messages messages completed in the round (confirmed, or handled end to end)
 * @param nanos the round's measured length
 * @param latency latencies in nanoseconds, or {@code null} when the scenario measures none
 * @param figures other measurements of the round, by a name that includes the unit (for example
 *     {@code "resident idle, MB"}); empty for most scenarios
 */
public record RoundResult(
    long messages, long nanos, Histogram latency, Map<String, Double> figures) {

  /** Copies the figures, keeping their order: the report shows them in it. */
  public RoundResult {
    figures =
        figures == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }

  /**
   * A round without other figures.
   *
   * @param messages messages completed in the round
   * @param nanos the round's measured length
   * @param latency latencies in nanoseconds, or {@code null}
   */
  public RoundResult(long messages, long nanos, Histogram latency) {
    this(messages, nanos, latency, Map.of());
  }

  /**
   * @return messages per second
   */
  public double perSecond() {
    return nanos == 0 ? 0 : messages * 1e9 / nanos;
  }
}
