package dev.warren.internal.memory;

import dev.warren.WarrenOptions;
import dev.warren.transport.Transport;
import dev.warren.transport.TransportProvider;

/** Provides connections to the process-wide {@link InMemoryBroker}. */
public final class InMemoryTransportProvider implements TransportProvider {
  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Transport create(WarrenOptions options) {
    return new InMemoryTransport(InMemoryBroker.shared());
  }
}
