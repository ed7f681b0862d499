package dev.warren.examples.interactions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.Examples;
import dev.warren.testkit.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the interactions example end to end on the embedded broker and on RabbitMQ (a virtual host
 * of its own), writing edges to a PostgreSQL database created for each test and dropped after it,
 * and once without a database (the in-memory edge table). With {@code CI=true} a missing RabbitMQ
 * or PostgreSQL fails the test instead of skipping it.
 */
class InteractionsExampleTest {
  private static final String BASE_URL =
      System.getenv()
          .getOrDefault(
              "WARREN_TEST_POSTGRES_URL",
              "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  /** Worked out by hand from {@link Traffic}: user = seq % 7 % 6, kind = seq % 5. */
  private static final List<String> COUNTERS =
      List.of(
          "counters ada: 16 interactions (10 viewed, 3 carted, 3 purchased)",
          "counters bob: 9 interactions (6 viewed, 2 carted, 1 purchased)",
          "counters cyd: 9 interactions (5 viewed, 2 carted, 2 purchased)",
          "counters dee: 9 interactions (5 viewed, 2 carted, 2 purchased)",
          "counters eve: 9 interactions (5 viewed, 2 carted, 2 purchased)",
          "counters fay: 8 interactions (5 viewed, 1 carted, 2 purchased)");

  private static final Map<String, Long> FIGURES =
      Map.ofEntries(
          Map.entry("published", 60L),
          Map.entry("resent", 10L),
          Map.entry("edges", 60L),
          Map.entry("edge-weight", 36L * 1 + 12L * 3 + 12L * 5),
          Map.entry("counted", 60L),
          Map.entry("duplicates-skipped-edges", 10L),
          Map.entry("duplicates-skipped-counters", 10L),
          // 6 tenths failed once, 3 interactions with p-13 failed 4 attempts each
          Map.entry("retried", 9L),
          Map.entry("failed-attempts", 6L + 3 * 4),
          Map.entry("dead-lettered", 3L),
          Map.entry("replayed", 3L));

  private String database;

  @BeforeEach
  void createDatabase() throws SQLException {
    requireDatabase();
    database = "warren_examples_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = DriverManager.getConnection(BASE_URL);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    if (database != null) {
      try (Connection c = DriverManager.getConnection(BASE_URL);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }

  @Test
  void isFoundByName() {
    assertThat(Examples.named("interactions")).get().isInstanceOf(InteractionsExample.class);
  }

  @Test
  void embeddedBrokerWithPostgres() throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            // why: the example's instances must meet on one broker, shared by name
            .memoryBroker("examples-interactions")
            .build();
    StringWriter out = new StringWriter();

    ExampleResult result = run(options, Map.of(EdgeStore.JDBC_URL, databaseUrl()), out);

    assertOutcome(result, out);
    assertThat(result.facts()).anyMatch(f -> f.contains("PostgreSQL, table warren_example_edges"));
    assertEdgesInDatabase();
    assertQueuesDeleted(options);
  }

  @Test
  void rabbitMqWithPostgres() throws Exception {
    try (TestBroker broker = TestBroker.create()) {
      WarrenOptions options = broker.options().build();
      StringWriter out = new StringWriter();

      ExampleResult result = run(options, Map.of(EdgeStore.JDBC_URL, databaseUrl()), out);

      assertOutcome(result, out);
      assertThat(out.toString()).contains("transport:  RabbitMQ amqp://guest:***@");
      assertEdgesInDatabase();
      assertQueuesDeleted(options);
    }
  }

  @Test
  void postgresFromWarrenStoreUrl() throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            // why: the example's instances must meet on one broker, shared by name
            .memoryBroker("examples-interactions")
            .build();
    StringWriter out = new StringWriter();

    ExampleResult result = run(options, Map.of(EdgeStore.STORE_URL, databaseUrl()), out);

    assertOutcome(result, out);
    assertEdgesInDatabase();
  }

  @Test
  void embeddedBrokerWithoutDatabaseUsesTheInMemoryEdgeTable() throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            // why: the example's instances must meet on one broker, shared by name
            .memoryBroker("examples-interactions")
            .build();
    StringWriter out = new StringWriter();

    ExampleResult result = run(options, Map.of(), out);

    assertOutcome(result, out);
    assertThat(out.toString()).contains("edge store: the in-memory edge table");
    assertThat(result.facts()).anyMatch(f -> f.startsWith("edge store the in-memory edge table"));
    assertThat(edgeRows()).as("nothing written to PostgreSQL").isEqualTo(-1);
  }

  private static ExampleResult run(WarrenOptions options, Map<String, String> env, StringWriter out)
      throws Exception {
    ExampleContext ctx =
        new ExampleContext(options, env, new PrintWriter(out, true), Duration.ofSeconds(30));
    try {
      return new InteractionsExample().run(ctx);
    } finally {
      System.out.print(out);
    }
  }

  private static void assertOutcome(ExampleResult result, StringWriter out) {
    assertThat(result.example()).isEqualTo("interactions");
    assertThat(result.figures()).containsExactlyInAnyOrderEntriesOf(FIGURES);
    assertThat(result.facts()).containsAll(COUNTERS);
    String narration = out.toString();
    assertThat(narration)
        .contains("POST /events, 6 batches of 10")
        .contains("GET /subscriptions/examples.interactions.edges/dead-letters: 3")
        .contains("dead-letters/replay: 3 replayed")
        .contains("4 attempts, UnknownProductException: product p-13 is not in the catalog");
    for (int seq : List.of(17, 33, 49)) {
      assertThat(narration).contains("interaction " + seq + " (");
    }
  }

  private void assertEdgesInDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(databaseUrl());
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT event_id), sum(weight), count(DISTINCT run_id),"
                    + " count(*) FILTER (WHERE product_id = 'p-13')"
                    + " FROM warren_example_edges")) {
      r.next();
      assertThat(r.getLong(1)).as("edges").isEqualTo(60);
      assertThat(r.getLong(2)).as("distinct event ids").isEqualTo(60);
      assertThat(r.getLong(3)).as("total weight").isEqualTo(FIGURES.get("edge-weight"));
      assertThat(r.getLong(4)).as("runs").isEqualTo(1);
      assertThat(r.getLong(5)).as("replayed edges to p-13").isEqualTo(3);
    }
  }

  /**
   * @return the rows of the edge table in the test database, -1 when it has no such table
   */
  private long edgeRows() throws SQLException {
    try (Connection c = DriverManager.getConnection(databaseUrl());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT to_regclass('warren_example_edges') IS NULL")) {
      r.next();
      if (r.getBoolean(1)) {
        return -1;
      }
    }
    try (Connection c = DriverManager.getConnection(databaseUrl());
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM warren_example_edges")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void assertQueuesDeleted(WarrenOptions options) {
    try (Warren warren = Warren.create(options)) {
      for (String queue : InteractionsExample.queues()) {
        assertThat(warren.admin().queue(queue)).as("queue " + queue).isEmpty();
      }
    }
  }

  private String databaseUrl() {
    return BASE_URL.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
  }

  private static void requireDatabase() {
    String why;
    try (Connection c = DriverManager.getConnection(BASE_URL)) {
      if (c.isValid(2)) {
        return;
      }
      why = "the connection is not valid";
    } catch (SQLException e) {
      why = e.getMessage();
    }
    String message = "PostgreSQL is not reachable at " + BASE_URL + ": " + why;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + " (CI=true, so this fails instead of skipping)");
    }
    Assumptions.abort(message);
  }
}
