package dev.warren.testkit;

import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.transport.Transport;
import org.junit.jupiter.api.BeforeEach;

/** Task limits with four workers on the embedded broker and the in-memory store. */
class InMemoryTaskLimitsTest extends TaskLimitsContractTest {
  private InMemoryBroker broker;

  @BeforeEach
  void newBroker() {
    broker = new InMemoryBroker();
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder().transport(WarrenOptions.TransportKind.MEMORY);
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return new InMemoryTransport(broker);
  }
}
