package dev.warren.rabbitmq;

import dev.warren.WarrenOptions;
import dev.warren.testkit.TaskQueueContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The task queue on a real RabbitMQ, on a virtual host of its own. */
class RabbitMqTaskQueueContractTest extends TaskQueueContractTest {
  private static TestBroker broker;

  @BeforeAll
  static void vhost() {
    broker = TestBroker.create();
  }

  @AfterAll
  static void deleteVhost() {
    if (broker != null) {
      broker.close();
    }
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.RABBITMQ)
        .rabbitmqUri(broker.uri())
        .connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }
}
