package dev.warren.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warren.Event;
import dev.warren.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What the outbox tests share: a schema of the test's own with an application table ({@code
 * orders}) and a side-effect table ({@code side_effect}), a pool on it, and the events they write:
 * {@code outbox.step} with a partition key and a number that counts up per key.
 */
final class Fixture implements AutoCloseable {
  static final String TYPE = "outbox.step";

  /** An event's data: the {@code n}-th step of {@code key}. */
  record Step(String key, int n) {}

  final String schema;
  final HikariDataSource pool;

  Fixture(String prefix) throws SQLException {
    this.schema = TestDatabase.newSchema(prefix);
    this.pool = pool(TestDatabase.BASE_URL, 8);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      s.execute("CREATE TABLE " + schema + ".orders (key TEXT NOT NULL, n INT NOT NULL)");
      s.execute(
          "CREATE TABLE "
              + schema
              + ".side_effect (event_id TEXT NOT NULL, key TEXT NOT NULL, n INT NOT NULL)");
    }
  }

  static HikariDataSource pool(String url, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  OutboxOptions.Builder options() {
    return OutboxOptions.builder().schema(schema).pollInterval(java.time.Duration.ofMillis(500));
  }

  static Event step(String key, int n) {
    return Event.builder(TYPE).data(new Step(key, n)).partitionKey(key).build();
  }

  /**
   * Commits one application write and its event, or rolls both back.
   *
   * @return the event
   */
  static Event commit(
      DataSource ds, Outbox outbox, String schema, String key, int n, boolean commit)
      throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement order =
          c.prepareStatement("INSERT INTO " + schema + ".orders (key, n) VALUES (?, ?)")) {
        order.setString(1, key);
        order.setInt(2, n);
        order.executeUpdate();
      }
      Event e = outbox.publish(c, step(key, n));
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
      c.setAutoCommit(true);
      return e;
    }
  }

  Event commit(Outbox outbox, String key, int n) throws SQLException {
    return commit(pool, outbox, schema, key, n, true);
  }

  long count(String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  long unsent() throws SQLException {
    return count("SELECT count(*) FROM " + schema + ".warren_outbox WHERE sent_at IS NULL");
  }

  long sideEffects() throws SQLException {
    return count("SELECT count(*) FROM " + schema + ".side_effect");
  }

  long distinctSideEffects() throws SQLException {
    return count("SELECT count(DISTINCT event_id) FROM " + schema + ".side_effect");
  }

  @Override
  public void close() {
    pool.close();
    TestDatabase.drop(schema);
  }
}
