package dev.warren.testkit;

import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.transport.Transport;

/** Lineage of a three-hop chain on the embedded in-memory broker. */
class InMemoryLineageChainTest extends LineageChainContractTest {
  private final InMemoryBroker broker = new InMemoryBroker();

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder().transport(WarrenOptions.TransportKind.MEMORY);
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return new InMemoryTransport(broker);
  }
}
