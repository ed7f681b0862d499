package dev.warren.rabbitmq;

import dev.warren.WarrenOptions;
import dev.warren.transport.Transport;
import dev.warren.transport.TransportProvider;

/** Provides {@link RabbitMqTransport}, found through {@link java.util.ServiceLoader}. */
public final class RabbitMqTransportProvider implements TransportProvider {
  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public Transport create(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }
}
