package dev.warren.postgres;

import dev.warren.lineage.spi.LineageStore;
import dev.warren.testkit.LineageStoreContractTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The lineage store contract on a real PostgreSQL ({@code WARREN_TEST_POSTGRES_URL}, default the
 * local one), in a schema of its own dropped afterwards. With {@code CI=true} an unreachable
 * database fails; otherwise the test is skipped.
 */
class PostgresLineageStoreContractTest extends LineageStoreContractTest {
  private static final String BASE_URL =
      System.getenv()
          .getOrDefault(
              "WARREN_TEST_POSTGRES_URL",
              "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private static String schema;

  @BeforeAll
  static void newSchema() {
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
    schema = "warren_lineage_test_" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (schema == null) {
      return;
    }
    try (Connection c = DriverManager.getConnection(BASE_URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static String url() {
    return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  @Override
  protected LineageStore createStore() {
    return PostgresLineageStore.connect(url());
  }

  @Override
  protected LineageStore reopen() {
    return PostgresLineageStore.connect(url());
  }
}
