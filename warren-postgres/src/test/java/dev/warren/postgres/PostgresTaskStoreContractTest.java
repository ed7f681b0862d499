package dev.warren.postgres;

import dev.warren.tasks.spi.TaskStore;
import dev.warren.testkit.TaskStoreContractTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The task store contract on a real PostgreSQL ({@code WARREN_TEST_POSTGRES_URL}, default the local
 * one), in a schema of its own dropped afterwards. With {@code CI=true} an unreachable database
 * fails; otherwise the test is skipped.
 */
class PostgresTaskStoreContractTest extends TaskStoreContractTest {
  static final String BASE_URL =
      System.getenv()
          .getOrDefault(
              "WARREN_TEST_POSTGRES_URL",
              "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private static String schema;

  /** Skips (or fails on CI) without a database. */
  static void requireDatabase() {
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
  }

  /**
   * @param schema a schema name
   * @return the test URL with that schema
   */
  static String urlWith(String schema) {
    return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /**
   * @param schema a schema to drop with everything in it
   */
  static void drop(String schema) {
    try (Connection c = DriverManager.getConnection(BASE_URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new AssertionError("cannot drop schema " + schema + ": " + e.getMessage(), e);
    }
  }

  @BeforeAll
  static void newSchema() {
    requireDatabase();
    schema = "warren_test_" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) {
      drop(schema);
    }
  }

  @Override
  protected TaskStore createStore() {
    return PostgresTaskStore.connect(urlWith(schema));
  }

  @Override
  protected TaskStore reopen() {
    return PostgresTaskStore.connect(urlWith(schema));
  }
}
