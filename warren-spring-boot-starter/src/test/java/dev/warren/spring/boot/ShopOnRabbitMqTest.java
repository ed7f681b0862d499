package dev.warren.spring.boot;

import dev.warren.testkit.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@link Shop} on RabbitMQ, in a virtual host of its own, set by {@code warren.rabbitmq.url}.
 */
@SpringBootTest(classes = Shop.class, properties = "shop.billing-subscription=billing")
@DirtiesContext
class ShopOnRabbitMqTest extends ShopContractTest {
  private static TestBroker broker;

  @BeforeAll
  static void virtualHost() {
    broker = TestBroker.create();
  }

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry properties) {
    properties.add("warren.rabbitmq.url", () -> broker.uri());
  }

  @Override
  String transport() {
    return "rabbitmq amqp://";
  }

  @AfterAll
  static void deleteVirtualHost() {
    if (broker != null) {
      broker.close();
    }
  }
}
