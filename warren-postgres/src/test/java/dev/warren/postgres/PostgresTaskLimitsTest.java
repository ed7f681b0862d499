package dev.warren.postgres;

import dev.warren.WarrenOptions;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.testkit.TaskLimitsContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TestDatabase;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Task limits with four workers on RabbitMQ, counted in PostgreSQL. */
class PostgresTaskLimitsTest extends TaskLimitsContractTest {
  private static TestBroker broker;
  private static String schema;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.newSchema("warren_limits");
    broker = TestBroker.create();
  }

  @AfterAll
  static void tearDown() {
    if (broker != null) {
      broker.close();
    }
    TestDatabase.drop(schema);
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.RABBITMQ)
        .rabbitmqUri(broker.uri())
        .storeUrl(TestDatabase.urlWith(schema))
        .connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }
}
