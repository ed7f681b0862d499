package dev.warren.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.testkit.BrokerProxy;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TestDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The outbox's health on RabbitMQ while the broker blocks publishing (a TCP relay in front of the
 * shared broker sends its {@code connection.blocked}; the broker itself is never touched): commits
 * go on, the outbox grows, {@code warrenOutbox} turns DOWN once the oldest unsent event is older
 * than {@code warren.outbox.degraded-after}, and when the broker unblocks the relay drains the
 * backlog, each event once, and the indicator is UP again.
 */
class OutboxHealthWhenTheBrokerBlocksTest {
  private static String schema;
  private static TestBroker broker;
  private static BrokerProxy proxy;

  @BeforeAll
  static void databaseAndBrokerBehindARelay() throws SQLException, IOException {
    schema = TestDatabase.newSchema("spring_outbox_blocked");
    try (Connection c = DriverManager.getConnection(TestDatabase.BASE_URL);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute("CREATE TABLE " + schema + ".orders (id TEXT PRIMARY KEY)");
    }
    broker = TestBroker.create();
    proxy = new BrokerProxy(broker.host(), broker.port());
  }

  @AfterAll
  static void cleanUp() {
    if (proxy != null) {
      proxy.close();
    }
    if (broker != null) {
      broker.close();
    }
    TestDatabase.drop(schema);
  }

  @Test
  void theOutboxGrowsAndIsDownWhileTheBrokerBlocksThenDrains() {
    String url =
        broker.uri().replace(broker.host() + ":" + broker.port(), "127.0.0.1:" + proxy.port());
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                WarrenAutoConfiguration.class, WarrenOutboxAutoConfiguration.class))
        .withUserConfiguration(TransactionalOutboxTest.Shop.class)
        .withPropertyValues(
            "warren.rabbitmq.url=" + url,
            "warren.publish-timeout=5s",
            "warren.outbox.schema=" + schema,
            "warren.outbox.degraded-after=1s",
            "warren.outbox.max-backoff=300ms")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Warren warren = context.getBean(Warren.class);
              Map<String, List<Event>> received = new ConcurrentHashMap<>();
              warren.subscribe(
                  Subscription.named("audit").pattern("order.#"),
                  e ->
                      received
                          .computeIfAbsent(
                              e.data(TransactionalOutboxTest.Placed.class).orderId(),
                              k -> new CopyOnWriteArrayList<>())
                          .add(e));
              TransactionalOutboxTest.Orders orders =
                  context.getBean(TransactionalOutboxTest.Orders.class);
              WarrenOutboxHealthIndicator indicator =
                  context.getBean(WarrenOutboxHealthIndicator.class);

              orders.place("b-0", false);
              await()
                  .atMost(Duration.ofSeconds(20))
                  .untilAsserted(() -> assertThat(received.get("b-0")).hasSize(2));
              assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

              proxy.block("low on disk");
              await().atMost(Duration.ofSeconds(10)).until(() -> warren.blocked().isPresent());
              for (int i = 1; i <= 5; i++) {
                orders.place("b-" + i, false);
              }

              await()
                  .atMost(Duration.ofSeconds(20))
                  .untilAsserted(
                      () -> {
                        Health down = indicator.health();
                        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(down.getDetails())
                            .containsEntry("status", "DEGRADED")
                            .containsEntry("depth", 10L);
                        assertThat((String) down.getDetails().get("reason"))
                            .contains("the broker blocks publishing: low on disk");
                      });
              assertThat(received.keySet()).containsExactly("b-0");

              proxy.unblock();

              await()
                  .atMost(Duration.ofSeconds(30))
                  .untilAsserted(
                      () -> {
                        for (int i = 1; i <= 5; i++) {
                          assertThat(received.get("b-" + i)).as("b-" + i).hasSize(2);
                        }
                      });
              await()
                  .atMost(Duration.ofSeconds(10))
                  .untilAsserted(
                      () -> assertThat(indicator.health().getStatus()).isEqualTo(Status.UP));
              assertThat(received.values().stream().mapToInt(List::size).sum())
                  .as("every event once")
                  .isEqualTo(12);
            });
  }
}
