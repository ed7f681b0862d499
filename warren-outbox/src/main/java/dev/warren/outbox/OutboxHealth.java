package dev.warren.outbox;

import java.time.Duration;
import java.time.Instant;

/**
 * How far behind an outbox relay is, for a readiness check: {@link Status#DEGRADED} once the oldest
 * unsent event is older than {@link OutboxOptions#degradedAfter()}, or when the outbox cannot be
 * read.
 *
 * @param status UP or DEGRADED
 * @param depth events committed and not yet published (confirmed); -1 when the database could not
 *     be read
 * @param oldestUnsentAge how long ago the oldest of them was written; zero when there is none
 * @param problem why it is degraded, or what the relay last failed at (the broker away, the
 *     database away); {@code null} when nothing is wrong
 * @param checkedAt when this was measured
 */
public record OutboxHealth(
    Status status, long depth, Duration oldestUnsentAge, String problem, Instant checkedAt) {

  /** Whether the outbox keeps up. */
  public enum Status {
    /** The oldest unsent event is younger than the configured age. */
    UP,
    /** The oldest unsent event is older than the configured age, or the outbox cannot be read. */
    DEGRADED
  }
}
