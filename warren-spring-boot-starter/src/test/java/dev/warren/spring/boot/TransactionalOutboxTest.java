package dev.warren.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.warren.Event;
import dev.warren.EventType;
import dev.warren.PartitionKey;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.outbox.Inbox;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxOptions;
import dev.warren.testkit.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox in a Spring application, on a real PostgreSQL: {@code warren.publish(..)} inside a
 * {@code @Transactional} method is published after the commit and never after a rollback; outside a
 * transaction it is direct; the relay is a lifecycle bean with its meters on the application's
 * registry and its health in the readiness group.
 */
class TransactionalOutboxTest {
  private static String schema;

  @BeforeAll
  static void database() throws SQLException {
    schema = TestDatabase.newSchema("spring_outbox");
    try (Connection c = DriverManager.getConnection(TestDatabase.BASE_URL);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute("CREATE TABLE " + schema + ".orders (id TEXT PRIMARY KEY)");
    }
  }

  @AfterAll
  static void dropDatabase() {
    TestDatabase.drop(schema);
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  WarrenAutoConfiguration.class, WarrenOutboxAutoConfiguration.class))
          .withUserConfiguration(Shop.class)
          .withPropertyValues(
              "warren.transport=memory",
              "warren.outbox.schema=" + schema,
              "warren.outbox.poll-interval=200ms");

  /**
   * The application: a data source on the schema {@code warren.outbox.schema} names, its
   * transactions, and a service that writes and publishes.
   */
  @Configuration(proxyBeanMethods = false)
  @EnableTransactionManagement
  static class Shop {
    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(Environment environment) {
      HikariDataSource pool = new HikariDataSource();
      pool.setJdbcUrl(
          TestDatabase.urlWith(environment.getRequiredProperty("warren.outbox.schema")));
      pool.setMaximumPoolSize(4);
      return pool;
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
      return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    Orders orders(DataSource dataSource, Warren warren) {
      return new Orders(new JdbcTemplate(dataSource), warren);
    }
  }

  /** A typed event whose key the outbox must keep. */
  @EventType("order.shipped")
  record Shipped(@PartitionKey String orderId) {}

  /** The data of an untyped event. */
  record Placed(String orderId) {}

  /** A service as applications write them. */
  static class Orders {
    private final JdbcTemplate jdbc;
    private final Warren warren;

    Orders(JdbcTemplate jdbc, Warren warren) {
      this.jdbc = jdbc;
      this.warren = warren;
    }

    /** Writes the order and publishes its events; fails after both when told to. */
    @Transactional
    public void place(String id, boolean fail) {
      jdbc.update("INSERT INTO orders (id) VALUES (?)", id);
      warren.publish("order.placed", new Placed(id));
      warren.publish(new Shipped(id));
      if (fail) {
        throw new IllegalStateException("payment declined for " + id);
      }
    }

    /** Publishes from a read-only transaction, which has nothing to commit the event with. */
    @Transactional(readOnly = true)
    public void lookUp(String id) {
      warren.publish("order.looked-up", new Placed(id)).join();
    }
  }

  /** Collects the events of the shop as a consumer sees them. */
  private static Map<String, List<Event>> consume(AssertableApplicationContext context) {
    Map<String, List<Event>> byOrder = new ConcurrentHashMap<>();
    context
        .getBean(Warren.class)
        .subscribe(
            Subscription.named("audit-" + System.nanoTime()).pattern("order.#"),
            event ->
                byOrder
                    .computeIfAbsent(orderOf(event), k -> new CopyOnWriteArrayList<>())
                    .add(event));
    return byOrder;
  }

  private static String orderOf(Event event) {
    return event.type().equals("order.shipped")
        ? event.data(Shipped.class).orderId()
        : event.data(Placed.class).orderId();
  }

  private static long outboxRows(String where) {
    return TestDatabase.count("SELECT count(*) FROM " + schema + ".warren_outbox WHERE " + where);
  }

  @Test
  void aCommittedTransactionsEventsArePublishedARolledBackOnesNever() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Warren.class)).isInstanceOf(OutboxWarren.class);
          Map<String, List<Event>> received = consume(context);
          Orders orders = context.getBean(Orders.class);

          orders.place("c-1", false);
          assertThatThrownBy(() -> orders.place("r-1", true))
              .hasMessage("payment declined for r-1");
          // why: a later commit's events arriving shows the relay went past where the rolled
          // back ones would have been, so their absence is no matter of waiting longer
          orders.place("c-2", false);

          await()
              .atMost(Duration.ofSeconds(20))
              .untilAsserted(
                  () -> assertThat(received.keySet()).containsExactlyInAnyOrder("c-1", "c-2"));
          await()
              .atMost(Duration.ofSeconds(20))
              .untilAsserted(() -> assertThat(received.get("c-2")).hasSize(2));
          // why: in any order, as the two have different partition keys (none, and c-1)
          assertThat(received.get("c-1"))
              .extracting(Event::type)
              .containsExactlyInAnyOrder("order.placed", "order.shipped");
          assertThat(received.get("c-1"))
              .filteredOn(e -> e.type().equals("order.shipped"))
              .singleElement()
              .satisfies(e -> assertThat(e.partitionKey()).contains("c-1"));
          assertThat(received).doesNotContainKey("r-1");
          assertThat(
                  TestDatabase.count(
                      "SELECT count(*) FROM "
                          + schema
                          + ".orders WHERE id IN ('c-1', 'r-1', 'c-2')"))
              .as("the rolled back order is not in the database either")
              .isEqualTo(2);
          assertThat(outboxRows("partition_key LIKE 'r-%'")).isZero();
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(() -> assertThat(outboxRows("sent_at IS NULL")).isZero());
          assertThat(outboxRows("partition_key IN ('c-1', 'c-2')")).isEqualTo(2);
        });
  }

  @Test
  void outsideATransactionOrInAReadOnlyOneWarrenPublishesDirectly() {
    runner.run(
        context -> {
          Map<String, List<Event>> received = consume(context);
          long before = outboxRows("true");
          context.getBean(Warren.class).publish("order.noted", new Placed("d-1")).join();
          context.getBean(Orders.class).lookUp("d-2");
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(() -> assertThat(received.keySet()).contains("d-1", "d-2"));
          assertThat(outboxRows("true")).as("nothing went through the outbox").isEqualTo(before);
        });
  }

  @Test
  void anApplicationWithoutARelayOnlyWritesAndAnotherInstanceRelays() {
    runner
        .withPropertyValues("warren.outbox.relay=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(OutboxRelayLifecycle.class);
              assertThat(context).doesNotHaveBean(WarrenOutboxHealthIndicator.class);
              Map<String, List<Event>> received = consume(context);
              context.getBean(Orders.class).place("w-1", false);
              assertThat(outboxRows("partition_key = 'w-1' AND sent_at IS NULL")).isEqualTo(1);

              // another instance's relay, on the same tables
              try (Outbox other =
                      Outbox.create(
                          TestDatabase.urlWith(schema),
                          OutboxOptions.builder().schema(schema).build());
                  var relay =
                      other.startRelay(OutboxWarren.direct(context.getBean(Warren.class)))) {
                await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(received.get("w-1")).hasSize(2));
                assertThat(relay.published()).isGreaterThanOrEqualTo(2);
              }
            });
  }

  @Test
  void theRelaysMetersAreOnTheApplicationsRegistryAndItsHealthInReadiness() {
    runner
        .withBean(SimpleMeterRegistry.class)
        .run(
            context -> {
              Map<String, List<Event>> received = consume(context);
              context.getBean(Orders.class).place("m-1", false);
              await()
                  .atMost(Duration.ofSeconds(20))
                  .untilAsserted(() -> assertThat(received.get("m-1")).hasSize(2));
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              await()
                  .atMost(Duration.ofSeconds(10))
                  .untilAsserted(
                      () ->
                          assertThat(
                                  registry.get("warren.outbox.published").counters().stream()
                                      .mapToDouble(c -> c.count())
                                      .sum())
                              .isGreaterThanOrEqualTo(2));
              assertThat(registry.get("warren.outbox.depth").gauge()).isNotNull();
              assertThat(registry.get("warren.outbox.oldest.age").gauge()).isNotNull();

              Health health = context.getBean(WarrenOutboxHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("table", schema + ".warren_outbox");

              HealthEndpointGroups groups = ReadinessMembershipTest.probes();
              for (ReadinessMembership m :
                  context.getBeansOfType(ReadinessMembership.class).values()) {
                groups = m.postProcessHealthEndpointGroups(groups);
              }
              assertThat(groups.get("readiness").isMember("warrenOutbox")).isTrue();
              assertThat(groups.get("readiness").isMember("warren")).isTrue();
              assertThat(groups.get("liveness").isMember("warrenOutbox")).isFalse();

              // stopping the relay (as on shutdown) takes the instance out of readiness
              context.getBean(OutboxRelayLifecycle.class).stop();
              assertThat(context.getBean(WarrenOutboxHealthIndicator.class).health().getStatus())
                  .isEqualTo(Status.DOWN);
            });
  }

  @Test
  void theInboxIsABeanOnTheSameTables() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(Inbox.class);
          assertThat(context.getBean(Inbox.class)).isSameAs(context.getBean(Outbox.class).inbox());
          Event event = Event.builder("order.placed").data(new Placed("i-1")).build();
          Set<String> ran = ConcurrentHashMap.newKeySet();
          Inbox inbox = context.getBean(Inbox.class);
          assertThat(inbox.handleOnce("billing", event, c -> ran.add("first"))).isTrue();
          assertThat(inbox.handleOnce("billing", event, c -> ran.add("second"))).isFalse();
          assertThat(ran).containsExactly("first");
        });
  }

  @Test
  void offWithTheProperty() {
    runner
        .withPropertyValues("warren.outbox.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(Outbox.class);
              assertThat(context).doesNotHaveBean(OutboxRelayLifecycle.class);
              assertThat(context.getBean(Warren.class)).isNotInstanceOf(OutboxWarren.class);
            });
  }

  @Test
  void aBadPropertyStopsTheApplicationNamingTheValue() {
    runner
        .withPropertyValues("warren.outbox.batch-size=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("invalid outbox batchSize 0"));
  }
}
