package dev.warren.internal.memory;

import dev.warren.WarrenOptions;
import dev.warren.transport.Transport;
import dev.warren.transport.TransportProvider;

/**
 * Provides the memory transport: a broker of the instance's own, removed when it closes, or the
 * JVM-wide broker named by {@link WarrenOptions#memoryBroker()}, shared with every instance given
 * that name.
 */
public final class InMemoryTransportProvider implements TransportProvider {
  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Transport create(WarrenOptions options) {
    String shared = options.memoryBroker();
    return shared == null
        ? InMemoryTransport.withOwnBroker(options.clock())
        : new InMemoryTransport(InMemoryBroker.named(shared, options.clock()));
  }
}
