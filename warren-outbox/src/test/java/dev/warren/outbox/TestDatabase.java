package dev.warren.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the tests use ({@code WARREN_TEST_POSTGRES_URL}, default the local one), each test
 * class in a schema of its own that it drops afterwards. With {@code CI=true} an unreachable
 * database fails the test; otherwise the test is skipped.
 */
final class TestDatabase {
  static final String BASE_URL =
      System.getenv()
          .getOrDefault(
              "WARREN_TEST_POSTGRES_URL",
              "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private TestDatabase() {}

  /** Skips (or fails on CI) without a database. */
  static void require() {
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
   * Checks the database is there and names a fresh schema.
   *
   * @param prefix what the schema name starts with
   * @return a schema name no other run uses
   */
  static String newSchema(String prefix) {
    require();
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * @param schema a schema name
   * @return the test URL with that schema
   */
  static String urlWith(String schema) {
    return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /**
   * @param schema a schema to drop with everything in it, or {@code null} for none
   */
  static void drop(String schema) {
    if (schema == null) {
      return;
    }
    try (Connection c = DriverManager.getConnection(BASE_URL);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new AssertionError("cannot drop schema " + schema + ": " + e.getMessage(), e);
    }
  }

  /**
   * @param schema a schema
   * @param table a table in it
   * @return how many rows the table holds
   */
  static long rows(String schema, String table) {
    try (Connection c = DriverManager.getConnection(BASE_URL);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError("cannot count " + schema + "." + table + ": " + e.getMessage(), e);
    }
  }
}
