package dev.warren.examples.interactions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge table in PostgreSQL, {@value #TABLE}. Each run's edges carry its run id, so runs against
 * the same database never mix and the table is left for a look afterwards ({@code SELECT user_id,
 * product_id, sum(weight) FROM warren_example_edges GROUP BY 1, 2}).
 */
final class PostgresEdgeStore implements EdgeStore {
  static final String TABLE = "warren_example_edges";

  private final Connection connection;
  private final String run;
  private final String where;

  private PostgresEdgeStore(Connection connection, String run, String where) {
    this.connection = connection;
    this.run = run;
    this.where = where;
  }

  /**
   * @param url a {@code jdbc:postgresql://…} URL
   * @param run this run's id
   * @return the store, its table created if missing
   * @throws SQLException when the database cannot be reached
   */
  static PostgresEdgeStore connect(String url, String run) throws SQLException {
    Connection c = DriverManager.getConnection(url);
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (event_id text PRIMARY KEY, run_id text NOT NULL, user_id text NOT NULL,"
              + " product_id text NOT NULL, kind text NOT NULL, weight int NOT NULL,"
              + " occurred_at timestamptz NOT NULL)");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    String where = c.getMetaData().getURL().replaceFirst("\\?.*", "");
    return new PostgresEdgeStore(c, run, where);
  }

  // why: one connection shared by the worker's threads keeps the example short; the writes are a
  // single statement each. A real writer takes connections from a pool (HikariCP).
  @Override
  public synchronized boolean insert(Edge edge) throws SQLException {
    try (PreparedStatement p =
        connection.prepareStatement(
            "INSERT INTO "
                + TABLE
                + " (event_id, run_id, user_id, product_id, kind, weight, occurred_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
      p.setString(1, edge.eventId());
      p.setString(2, run);
      p.setString(3, edge.user());
      p.setString(4, edge.product());
      p.setString(5, edge.kind());
      p.setInt(6, edge.weight());
      p.setTimestamp(7, Timestamp.from(edge.at()));
      return p.executeUpdate() == 1;
    }
  }

  @Override
  public synchronized long count() throws SQLException {
    return single("SELECT count(*) FROM " + TABLE + " WHERE run_id = ?");
  }

  @Override
  public synchronized long totalWeight() throws SQLException {
    return single("SELECT coalesce(sum(weight), 0) FROM " + TABLE + " WHERE run_id = ?");
  }

  @Override
  public synchronized List<String> heaviest(int limit) throws SQLException {
    try (PreparedStatement p =
        connection.prepareStatement(
            "SELECT user_id, product_id, sum(weight) AS w FROM "
                + TABLE
                + " WHERE run_id = ? GROUP BY user_id, product_id"
                + " ORDER BY w DESC, user_id, product_id LIMIT ?")) {
      p.setString(1, run);
      p.setInt(2, limit);
      List<String> out = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1) + "→" + r.getString(2) + " " + r.getLong(3));
        }
      }
      return out;
    }
  }

  private long single(String sql) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, run);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Override
  public String describe() {
    return "PostgreSQL, table " + TABLE + " in " + where;
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // why: nothing is left to write; a failing close must not hide the run's outcome
    }
  }
}
