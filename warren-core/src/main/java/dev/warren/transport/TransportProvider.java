package dev.warren.transport;

import dev.warren.WarrenOptions;

/**
 * Creates a {@link Transport}; found through {@link java.util.ServiceLoader}, so the RabbitMQ
 * transport is used when its module is on the class path.
 */
public interface TransportProvider {
  /**
   * @return the transport name it provides, {@code memory} or {@code rabbitmq}
   */
  String name();

  /**
   * Connects. A configured broker that cannot be reached is retried with backoff up to {@link
   * WarrenOptions#connectTimeout()}.
   *
   * @param options the options
   * @return a connected transport
   * @throws dev.warren.BrokerUnavailableException when the broker could not be reached in time
   */
  Transport create(WarrenOptions options);
}
