package dev.warren.cli;

import dev.warren.Warren;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.transport.Transport;
import java.util.Optional;

/**
 * Reaches the transport behind a {@link Warren} instance, for what the public API rightly does not
 * offer applications: deleting the demo's queues when it is done.
 *
 * <p>why: Warren's own tools may use the engine's transport ({@link WarrenEngine#transport()}); the
 * demo must not leave durable queues behind on a real broker.
 */
final class Transports {
  private Transports() {}

  /**
   * @param warren an instance
   * @return its transport, or empty when it is not Warren's engine
   */
  static Optional<Transport> of(Warren warren) {
    return warren instanceof WarrenEngine engine
        ? Optional.of(engine.transport())
        : Optional.empty();
  }
}
