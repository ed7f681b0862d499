package dev.warren.redis;

import dev.warren.WarrenOptions;
import dev.warren.internal.tasks.TaskStoreConfig;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.testkit.TaskQueueContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The task queue on RabbitMQ with its state in Redis ({@code WARREN_STORE_URL} set through the
 * {@value TaskStoreConfig#PROPERTY} property), on a vhost and a key prefix of its own.
 */
class RedisTaskQueueContractTest extends TaskQueueContractTest {
  private static TestBroker broker;
  private static String prefix;

  @BeforeAll
  static void setUp() {
    prefix = TestRedis.newPrefix("warren-test");
    broker = TestBroker.create();
    System.setProperty(TaskStoreConfig.PROPERTY, RedisTaskStoreContractTest.url(prefix));
  }

  @AfterAll
  static void tearDown() {
    System.clearProperty(TaskStoreConfig.PROPERTY);
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
        .connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }
}
