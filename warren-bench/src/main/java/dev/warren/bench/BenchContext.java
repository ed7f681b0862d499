package dev.warren.bench;

import dev.warren.bench.clients.BenchBroker;

/**
 * What a scenario builds its contenders from.
 *
 * @param config the run's settings
 * @param broker the virtual host of this run, or {@code null} when no scenario needs RabbitMQ
 */
public record BenchContext(BenchConfig config, BenchBroker broker) {
  /**
   * @return the broker
   * @throws IllegalStateException when the run has none
   */
  public BenchBroker requireBroker() {
    if (broker == null) {
      throw new IllegalStateException("this scenario needs RabbitMQ, but the run has no broker");
    }
    return broker;
  }
}
