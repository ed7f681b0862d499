package dev.warren.rabbitmq;

import dev.warren.WarrenOptions;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TransportContractTest;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The transport contract on a real RabbitMQ, each test on a virtual host of its own. */
class RabbitMqTransportContractTest extends TransportContractTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return broker.options().connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }

  @Override
  protected boolean supportsBrokerRestart() {
    return true;
  }

  @Override
  protected void restartBroker() {
    broker.restartBroker();
  }

  @Override
  protected boolean readingKeepsQuorumQueuesInOrder() {
    // why: a quorum queue puts returned messages back where it chooses (RabbitMQ 3.10: at its back
    // without a
    // delivery limit, behind other returned messages with one, a batch in an order of its own)
    return false;
  }
}
