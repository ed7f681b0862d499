package dev.warren.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the tests use ({@code WARREN_TEST_POSTGRES_URL}, default {@code
 * jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}), each test class in a schema of its own
 * that it drops afterwards. With {@code CI=true} an unreachable database fails the test; otherwise
 * the test is skipped. The test's class path brings the JDBC driver.
 *
 * <pre>{@code
 * String schema = TestDatabase.newSchema("orders");      // skips (or fails on CI) without a database
 * try (Outbox outbox = Outbox.create(TestDatabase.urlWith(schema), options)) { ... }
 * TestDatabase.drop(schema);
 * }</pre>
 */
public final class TestDatabase {
  /** The database's JDBC URL, without a schema. */
  public static final String BASE_URL =
      System.getenv()
          .getOrDefault(
              "WARREN_TEST_POSTGRES_URL",
              "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

  private TestDatabase() {}

  /** Skips the calling test without a database, or fails it when {@code CI=true}. */
  public static void require() {
    boolean up;
    String why = "";
    try (Connection c = DriverManager.getConnection(BASE_URL)) {
      up = c.isValid(2);
    } catch (SQLException e) {
      up = false;
      why = e.getMessage();
    }
    if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("PostgreSQL is not reachable at " + BASE_URL + " (CI=true): " + why);
    }
    Assumptions.assumeTrue(up, "PostgreSQL is not reachable at " + BASE_URL + ": " + why);
  }

  /**
   * Checks the database is there and names a fresh schema.
   *
   * @param prefix what the schema name starts with: lower-case letters, digits and {@code _}
   * @return a schema name no other run uses
   */
  public static String newSchema(String prefix) {
    require();
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * @param schema a schema name
   * @return the test URL with that schema as the connections' current one
   */
  public static String urlWith(String schema) {
    return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /**
   * @param schema a schema to drop with everything in it, or {@code null} for none
   */
  public static void drop(String schema) {
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
  public static long rows(String schema, String table) {
    return count("SELECT count(*) FROM " + schema + "." + table);
  }

  /**
   * @param query a query whose first column of its one row is a count
   * @return the count
   */
  public static long count(String query) {
    try (Connection c = DriverManager.getConnection(BASE_URL);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError("cannot run " + query + ": " + e.getMessage(), e);
    }
  }
}
