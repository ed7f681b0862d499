package dev.warren.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records latencies in nanoseconds from any thread (consumer threads, confirm threads) without
 * locks, into an auto-resizing HdrHistogram with 3 significant digits.
 */
public final class LatencyRecorder {
  private final Recorder recorder = new Recorder(3);

  /**
   * @param nanos a latency; negative values (clock skew cannot happen with one JVM's nanoTime, but
   *     a bug must not crash the run) count as zero
   */
  public void record(long nanos) {
    recorder.recordValue(Math.max(0, nanos));
  }

  /**
   * @param sentAtNanos a {@link System#nanoTime()} stamp
   */
  public void recordSince(long sentAtNanos) {
    record(System.nanoTime() - sentAtNanos);
  }

  /**
   * @return everything recorded since the last call
   */
  public Histogram histogram() {
    return recorder.getIntervalHistogram();
  }
}
