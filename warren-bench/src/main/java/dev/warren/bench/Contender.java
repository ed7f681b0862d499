package dev.warren.bench;

import java.time.Duration;

/**
 * One side of a comparison (Warren, the raw client, Spring AMQP, ...) in one scenario. The runner
 * opens every contender once, then calls {@link #run} for one contender at a time, never two at
 * once: on a small machine two contenders would measure each other.
 */
public interface Contender {
  /**
   * @return the name in the report, for example {@code Warren} or {@code raw amqp-client}
   */
  String name();

  /**
   * Connects and declares what the rounds need. Not measured.
   *
   * @throws Exception when it cannot
   */
  void open() throws Exception;

  /**
   * Runs one round: starts its consumers if any, works for {@code length}, then waits for what is
   * in flight and leaves the broker as it found it (consumers stopped, queues purged).
   *
   * @param length how long to measure
   * @return what it did in that time
   * @throws Exception when a publish or a delivery failed, which fails the run
   */
  RoundResult run(Duration length) throws Exception;

  /** Disconnects; never throws. */
  void close();
}
