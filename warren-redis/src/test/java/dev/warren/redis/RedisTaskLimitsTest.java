package dev.warren.redis;

import dev.warren.WarrenOptions;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.testkit.TaskLimitsContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Task limits with four workers on RabbitMQ, counted in Redis. */
class RedisTaskLimitsTest extends TaskLimitsContractTest {
  private static TestBroker broker;
  private static String keyPrefix;

  @BeforeAll
  static void setUp() {
    keyPrefix = TestRedis.newPrefix("warren-limits");
    broker = TestBroker.create();
  }

  @AfterAll
  static void tearDown() {
    if (broker != null) {
      broker.close();
    }
    TestRedis.deleteKeys(keyPrefix);
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.RABBITMQ)
        .rabbitmqUri(broker.uri())
        .storeUrl(RedisTaskStoreContractTest.url(keyPrefix))
        .connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }
}
