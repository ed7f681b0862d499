package dev.warren.testkit;

import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.transport.Transport;
import org.junit.jupiter.api.BeforeEach;

/** Foreign and malformed messages on the embedded in-memory broker, a new one per test. */
class InMemoryForeignMessagesContractTest extends ForeignMessagesContractTest {
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
