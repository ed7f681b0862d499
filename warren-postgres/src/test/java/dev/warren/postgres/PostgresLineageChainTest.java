package dev.warren.postgres;

import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.internal.tasks.TaskStoreConfig;
import dev.warren.testkit.LineageChainContractTest;
import dev.warren.transport.Transport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The three-hop chain with lineage kept in PostgreSQL, found by ServiceLoader from {@code
 * WARREN_STORE_URL} (here its system property), in a schema of its own dropped afterwards.
 */
class PostgresLineageChainTest extends LineageChainContractTest {
  private static final String BASE_URL =
      System.getenv()
          .getOrDefault(
              "WARREN_TEST_POSTGRES_URL",
              "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private static String schema;
  private final InMemoryBroker broker = new InMemoryBroker();

  @BeforeAll
  static void useSchema() {
    boolean up;
    String why = "";
    try (Connection c = DriverManager.getConnection(BASE_URL)) {
      up = c.isValid(2);
    } catch (SQLException e) {
      up = false;
      why = e.getMessage();
    }
    if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("PostgreSQL is not reachable at " + BASE_URL + " (CI=true): " + why);
    }
    Assumptions.assumeTrue(up, "PostgreSQL is not reachable at " + BASE_URL + ": " + why);
    schema = "warren_lineage_chain_" + UUID.randomUUID().toString().substring(0, 8);
    System.setProperty(
        TaskStoreConfig.PROPERTY,
        BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    System.clearProperty(TaskStoreConfig.PROPERTY);
    if (schema == null) {
      return;
    }
    try (Connection c = DriverManager.getConnection(BASE_URL);
        Statement s = c.createStatement()) {
      try (var rs = s.executeQuery("SELECT count(*) FROM " + schema + ".warren_lineage_event")) {
        rs.next();
        // why: the chain passes on any store; make sure it was this one
        if (rs.getLong(1) == 0) {
          throw new AssertionError("no lineage was written to PostgreSQL schema " + schema);
        }
      } finally {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder().transport(WarrenOptions.TransportKind.MEMORY);
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return new InMemoryTransport(broker);
  }
}
