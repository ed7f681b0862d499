package dev.warren.rabbitmq;

import dev.warren.WarrenOptions;
import dev.warren.testkit.LineageChainContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lineage of a three-hop chain, with a dead letter replayed, on a real RabbitMQ. */
class RabbitMqLineageChainTest extends LineageChainContractTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return broker.options().connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }
}
