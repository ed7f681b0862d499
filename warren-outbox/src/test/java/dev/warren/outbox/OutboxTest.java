package dev.warren.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.testkit.TestBroker;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox and its relay on a real PostgreSQL and a real RabbitMQ. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboxTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  private Fixture f;
  private Warren warren;
  private Outbox outbox;

  @BeforeEach
  void setUp() throws Exception {
    f = new Fixture("warren_outbox");
    warren = Warren.create(broker.options().publishTimeout(Duration.ofSeconds(5)).build());
  }

  @AfterEach
  void tearDown() {
    if (outbox != null) {
      outbox.close();
    }
    if (warren != null) {
      warren.close();
    }
    if (f != null) {
      f.close();
    }
  }

  @Test
  void everyAttributeOfTheEventSurvivesTheOutbox() throws Exception {
    outbox = Outbox.create(f.pool, f.options().build());
    BlockingQueue<Event> received = new LinkedBlockingQueue<>();
    warren.subscribe(Subscription.named("attributes").pattern("outbox.attributes"), received::add);
    Event sent =
        Event.builder("outbox.attributes")
            .id("evt-attributes-1")
            .source("/orders/eu-west")
            .subject("order-42")
            .time(Instant.parse("2026-01-02T03:04:05.123456789Z"))
            .data(new byte[] {0, 1, 2, (byte) 255}, "application/octet-stream")
            .dataSchema("https://example.com/schemas/order.json")
            .partitionKey("order-42")
            .correlationId("conversation-7")
            .extension("priority", 7)
            .extension("urgent", true)
            .build();
    try (Connection c = f.pool.getConnection()) {
      c.setAutoCommit(false);
      outbox.publish(c, sent);
      c.commit();
      c.setAutoCommit(true);
    }
    try (OutboxRelay relay = outbox.startRelay(warren)) {
      Event got = received.poll(30, TimeUnit.SECONDS);
      assertThat(got).as("the event arrives").isNotNull();
      assertThat(got.id()).isEqualTo(sent.id());
      assertThat(got.type()).isEqualTo(sent.type());
      assertThat(got.source()).isEqualTo(sent.source());
      assertThat(got.subject()).isEqualTo(sent.subject());
      assertThat(got.time()).isEqualTo(sent.time());
      assertThat(got.dataContentType()).isEqualTo("application/octet-stream");
      assertThat(got.dataSchema()).isEqualTo(sent.dataSchema());
      assertThat(got.data()).isEqualTo(sent.data());
      assertThat(got.extensions()).containsAllEntriesOf(sent.extensions());
      assertThat(got.extensions().get("priority")).isInstanceOf(Integer.class);
      assertThat(got.extensions().get("urgent")).isEqualTo(Boolean.TRUE);
      await().atMost(10, TimeUnit.SECONDS).until(() -> f.unsent() == 0);
      assertThat(relay.published()).isEqualTo(1);
    }
  }

  @Test
  void aRolledBackTransactionPublishesNothing() throws Exception {
    outbox = Outbox.create(f.pool, f.options().build());
    try (InboxConsumer consumer =
            new InboxConsumer(warren, outbox.inbox(), f.schema, "rollback-check");
        OutboxRelay relay = outbox.startRelay(warren)) {
      Set<String> rolledBack = new HashSet<>();
      int committed = 0;
      for (int i = 0; i < 100; i++) {
        boolean commit = i % 2 == 0;
        Event e = Fixture.commit(f.pool, outbox, f.schema, "k" + (i % 5), i, commit);
        if (commit) {
          committed++;
        } else {
          rolledBack.add(e.id());
        }
      }
      long expected = committed;
      await().atMost(30, TimeUnit.SECONDS).until(() -> consumer.handled.get() >= expected);
      await().atMost(10, TimeUnit.SECONDS).until(() -> f.unsent() == 0);
      Thread.sleep(1000); // why: time for anything wrongly published to arrive too
      System.out.println(
          "fault (b) rolled back: rolledBack="
              + rolledBack.size()
              + " "
              + consumer.counts(committed)
              + " sideEffects="
              + f.sideEffects());
      assertThat(consumer.ids).hasSize(committed).doesNotContainAnyElementsOf(rolledBack);
      assertThat(f.count("SELECT count(*) FROM " + f.schema + ".warren_outbox"))
          .isEqualTo(committed);
      assertThat(f.sideEffects()).isEqualTo(committed);
      assertThat(consumer.outOfOrder).isEmpty();
      assertThat(relay.published()).isEqualTo(committed);
    }
  }

  @Test
  void aCommitWakesTheRelayLongBeforeItsNextPoll() throws Exception {
    outbox = Outbox.create(f.pool, f.options().pollInterval(Duration.ofSeconds(30)).build());
    java.util.Map<String, Long> committedAt = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.List<Long> millis =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    warren
        .admin()
        .declareQueue(
            dev.warren.admin.QueueDefinition.durable("wake-check").binding(Fixture.TYPE).build());
    try (OutboxRelay relay =
        outbox.startRelay(
            warren,
            e ->
                millis.add(
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - committedAt.get(e.id()))))) {
      Thread.sleep(500); // why: the relay is idle, waiting for a notification
      for (int i = 0; i < 5; i++) {
        try (Connection c = f.pool.getConnection()) {
          c.setAutoCommit(false);
          Event e = outbox.publish(c, Fixture.step("k", i));
          committedAt.put(e.id(), System.nanoTime());
          c.commit();
          c.setAutoCommit(true);
        }
        int seen = i + 1;
        await().atMost(10, TimeUnit.SECONDS).until(() -> millis.size() >= seen);
        Thread.sleep(200);
      }
      System.out.println("commit to confirm, woken by NOTIFY, ms: " + millis);
      assertThat(millis).allSatisfy(ms -> assertThat(ms).isLessThan(2_000));
      assertThat(relay.published()).isEqualTo(5);
    }
  }

  @Test
  void publishingOutsideATransactionIsRefused() throws Exception {
    outbox = Outbox.create(f.pool, f.options().build());
    try (Connection c = f.pool.getConnection()) {
      assertThatThrownBy(() -> outbox.publish(c, Fixture.step("k", 1)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("auto-commit");
    }
    assertThat(f.unsent()).isZero();
  }

  @Test
  void badOptionsAreRefusedByName() {
    assertThatThrownBy(() -> OutboxOptions.builder().schema("Robert'); DROP TABLE x;--"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid outbox schema 'Robert'); DROP TABLE x;--'");
    assertThatThrownBy(() -> OutboxOptions.builder().batchSize(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("batchSize 0");
    assertThatThrownBy(() -> OutboxOptions.builder().retention(Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("retention PT-1S");
    assertThatThrownBy(() -> Outbox.create("jdbc:mysql://db/app", OutboxOptions.defaults()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("jdbc:mysql://db/app");
  }

  @Test
  void healthIsDegradedWhileTheBacklogIsOlderThanConfiguredAndUpOnceDrained() throws Exception {
    // why: the global registry records nothing until a registry is added to it, as an app does
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    try {
      degradedThenUp();
    } finally {
      Metrics.removeRegistry(registry);
    }
  }

  private void degradedThenUp() throws Exception {
    outbox = Outbox.create(f.pool, f.options().degradedAfter(Duration.ofSeconds(1)).build());
    for (int i = 0; i < 3; i++) {
      f.commit(outbox, "k", i);
    }
    Warren gone = Warren.create(broker.options().build());
    gone.close(); // why: a relay whose broker is away
    try (OutboxRelay stuck = outbox.startRelay(gone)) {
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> stuck.health().status() == OutboxHealth.Status.DEGRADED);
      OutboxHealth h = stuck.health();
      System.out.println("health while the broker is away: " + h);
      assertThat(h.depth()).isEqualTo(3);
      assertThat(h.oldestUnsentAge()).isGreaterThan(Duration.ofSeconds(1));
      assertThat(h.problem()).contains("3 unsent events").contains("not connected");
      assertThat(
              Metrics.globalRegistry
                  .find("warren.outbox.depth")
                  .tag("table", outbox.table())
                  .gauges())
          .isNotEmpty();
      try (OutboxRelay working = outbox.startRelay(warren)) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> f.unsent() == 0);
        OutboxHealth drained = working.health();
        assertThat(drained.status()).isEqualTo(OutboxHealth.Status.UP);
        assertThat(drained.depth()).isZero();
        assertThat(drained.oldestUnsentAge()).isEqualTo(Duration.ZERO);
        assertThat(
                Metrics.globalRegistry
                    .find("warren.outbox.published")
                    .tag("table", outbox.table())
                    .counters()
                    .stream()
                    .mapToDouble(c -> c.count())
                    .sum())
            .isEqualTo(3.0);
      }
    }
  }

  @Test
  void sentRowsAndOldInboxRowsAreDeletedOnSchedule() throws Exception {
    outbox =
        Outbox.create(
            f.pool,
            f.options()
                .retention(Duration.ZERO)
                .inboxRetention(Duration.ofSeconds(1))
                .cleanupInterval(Duration.ofMillis(200))
                .build());
    for (int i = 0; i < 5; i++) {
      f.commit(outbox, "k", i);
    }
    Event handled = Fixture.step("k", 99);
    assertThat(outbox.inbox().handleOnce("cleanup", handled, c -> {})).isTrue();
    try (OutboxRelay relay = outbox.startRelay(warren)) {
      await()
          .atMost(20, TimeUnit.SECONDS)
          .until(() -> f.count("SELECT count(*) FROM " + f.schema + ".warren_outbox") == 0);
      assertThat(relay.published()).isEqualTo(5);
    }
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> f.count("SELECT count(*) FROM " + f.schema + ".warren_inbox") == 0);
    // why: expired, the record no longer stops a (very) late duplicate
    assertThat(outbox.inbox().handleOnce("cleanup", handled, c -> {})).isTrue();
    try (Connection c = f.pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    }
  }
}
