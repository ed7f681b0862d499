package dev.warren.rabbitmq;

import dev.warren.WarrenOptions;
import dev.warren.testkit.AdminContractTest;
import dev.warren.testkit.TestBroker;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The admin contract on a real RabbitMQ, on a virtual host of its own; listings, unacknowledged
 * counts and rates come from its management API.
 */
class RabbitMqAdminContractTest extends AdminContractTest {
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
    return broker.options().connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected boolean reportsRates() {
    return true;
  }
}
