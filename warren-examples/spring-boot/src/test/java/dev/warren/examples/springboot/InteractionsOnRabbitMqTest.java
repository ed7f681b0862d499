package dev.warren.examples.springboot;

import dev.warren.testkit.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The interactions application on RabbitMQ, in a virtual host of its own. */
@SpringBootTest(
    classes = InteractionsApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class InteractionsOnRabbitMqTest extends InteractionsContractTest {
  private static TestBroker broker;

  @BeforeAll
  static void virtualHost() {
    broker = TestBroker.create();
  }

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry properties) {
    properties.add("warren.rabbitmq.url", () -> broker.uri());
  }

  @AfterAll
  static void deleteVirtualHost() {
    if (broker != null) {
      broker.close();
    }
  }
}
