package dev.warren.redis;

import dev.warren.WarrenOptions;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.testkit.TaskQueueContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The task queue on RabbitMQ with its state in Redis (the options' store URL), on a vhost and a key
 * prefix of its own.
 */
class RedisTaskQueueContractTest extends TaskQueueContractTest {
  private static TestBroker broker;
  private static String prefix;

  @BeforeAll
  static void setUp() {
    prefix = TestRedis.newPrefix("warren-test");
    broker = TestBroker.create();
  }

  @AfterAll
  static void tearDown() {
    if (broker != null) {
      broker.close();
    }
    TestRedis.deleteKeys(prefix);
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.RABBITMQ)
        .rabbitmqUri(broker.uri())
        .storeUrl(RedisTaskStoreContractTest.url(prefix))
        .connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }
}
