package dev.warren.internal.memory;

import dev.warren.admin.MessageRates;
import java.util.ArrayList;
import java.util.List;

/**
 * One in-memory queue's message rates, as RabbitMQ's management API reports them: messages per
 * second over the last few seconds. The counts go up as messages arrive, are delivered and are
 * acknowledged; a reading compares them with a sample taken at an earlier reading. why: sampled at
 * reads, not on a timer, so an idle broker does no work for rates nobody looks at. Not thread-safe:
 * its queue's lock guards it.
 */
final class QueueRates {
  /** How far back a reading looks at most: RabbitMQ's default sampling window is 5 s. */
  static final long WINDOW_NANOS = 5_000_000_000L;

  /** A reading closer than this to its oldest sample has no figures yet. */
  private static final long SHORTEST_NANOS = 500_000_000L;

  /** Samples are at least this far apart, so frequent readers keep the list short. */
  private static final long SAMPLE_EVERY_NANOS = 1_000_000_000L;

  private record Sample(long at, long published, long delivered, long acknowledged) {}

  private final List<Sample> samples = new ArrayList<>();
  private long published;
  private long delivered;
  private long acknowledged;

  void published() {
    published++;
  }

  void delivered() {
    delivered++;
  }

  void acknowledged() {
    acknowledged++;
  }

  /**
   * @param now the broker's clock, in nanoseconds
   * @return the rates since the oldest sample of the window, or {@link MessageRates#UNKNOWN} for a
   *     first reading (after a pause of more than the window, too)
   */
  MessageRates read(long now) {
    // why: keep the newest sample that is at least a window old, as the base of this reading
    while (samples.size() > 1 && now - samples.get(1).at() >= WINDOW_NANOS) {
      samples.remove(0);
    }
    if (!samples.isEmpty() && now - samples.get(0).at() > 2 * WINDOW_NANOS) {
      samples.clear(); // why: nobody read for long; an average over that pause says little
    }
    if (samples.isEmpty() || now - samples.get(samples.size() - 1).at() >= SAMPLE_EVERY_NANOS) {
      samples.add(new Sample(now, published, delivered, acknowledged));
    }
    Sample base = samples.get(0);
    long span = now - base.at();
    if (span < SHORTEST_NANOS) {
      return MessageRates.UNKNOWN;
    }
    double seconds = span / 1e9;
    return new MessageRates(
        (published - base.published()) / seconds,
        (delivered - base.delivered()) / seconds,
        (acknowledged - base.acknowledged()) / seconds);
  }
}
