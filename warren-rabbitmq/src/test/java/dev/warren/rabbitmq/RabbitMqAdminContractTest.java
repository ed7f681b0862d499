package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.QueueInfo;
import dev.warren.admin.WarrenAdmin;
import dev.warren.testkit.AdminContractTest;
import dev.warren.testkit.TestBroker;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void theManagementApiIsWhereTheOptionsSayAndAQueueIsStillFoundWithoutIt() {
    String queue = "mgmt-" + UUID.randomUUID().toString().substring(0, 8);
    try (Warren right =
            Warren.create(baseOptions().managementUrl("http://127.0.0.1:15672/").build());
        Warren wrong = Warren.create(baseOptions().managementUrl("http://127.0.0.1:1").build())) {
      right.admin().declareQueue(QueueDefinition.durable(queue).maxLength(5).build());

      await()
          .atMost(20, SECONDS)
          .untilAsserted(
              () -> assertThat(right.admin().queues()).extracting(QueueInfo::name).contains(queue));
      WarrenAdmin blind = wrong.admin();
      assertThatThrownBy(blind::queues)
          .isInstanceOf(WarrenException.class)
          .hasMessageContaining("http://127.0.0.1:1");
      QueueInfo overAmqp = blind.queue(queue).orElseThrow();
      assertThat(overAmqp.messages()).isZero();
      assertThat(overAmqp.unacknowledged()).isEqualTo(-1);
      assertThat(overAmqp.rates().known()).isFalse();
      assertThat(right.admin().queue(queue).orElseThrow().arguments())
          .containsEntry("x-max-length", 5L);
      right.admin().deleteQueue(queue);
    }
  }

  @Override
  protected boolean peekKeepsQuorumQueuesInOrder() {
    // why: a quorum queue puts returned messages back where it chooses (RabbitMQ 3.10: at its back
    // without a
    // delivery limit, behind other returned messages with one, a batch in an order of its own)
    return false;
  }
}
