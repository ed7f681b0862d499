package dev.warren.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.warren.tasks.TaskLimitUsage;
import dev.warren.tasks.TaskLimits;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.TaskLimitStore;
import dev.warren.tasks.spi.TaskPermit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Task limits in PostgreSQL, beside the task store's tables: {@code warren_task_limit} holds each
 * name's limits and its count of refusals, {@code warren_task_permit} the permits (task id, limit
 * key, end of lease), {@code warren_task_start} the start times within the rate window. A permit is
 * checked and taken in one transaction under an advisory lock per task name, so two workers never
 * both get the last one; the rate window is counted on the database's clock, read under the lock.
 */
final class PostgresTaskLimitStore implements TaskLimitStore {
  /** The limit tables, created with the task store's. */
  static final List<String> TABLES =
      List.of(
          "CREATE TABLE IF NOT EXISTS warren_task_limit ("
              + " name text PRIMARY KEY,"
              + " rate integer NOT NULL,"
              + " rate_per_ms bigint NOT NULL,"
              + " concurrency integer NOT NULL,"
              + " per_key integer NOT NULL,"
              + " deferred bigint NOT NULL DEFAULT 0)",
          "CREATE TABLE IF NOT EXISTS warren_task_permit ("
              + " name text NOT NULL,"
              + " holder text NOT NULL,"
              + " limit_key text,"
              + " lease_until timestamptz NOT NULL,"
              + " PRIMARY KEY (name, holder))",
          "CREATE TABLE IF NOT EXISTS warren_task_start ("
              + " name text NOT NULL,"
              + " at timestamptz NOT NULL)",
          "CREATE INDEX IF NOT EXISTS warren_task_start_name_at ON warren_task_start (name, at)");

  /** The first key of the advisory locks taken per task name ("WL"). */
  private static final int LOCK_SPACE = 0x574C;

  private final HikariDataSource pool;
  private final String description;

  PostgresTaskLimitStore(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  @Override
  public void putLimits(String name, TaskLimits limits) {
    String sql =
        limits.isNone()
            ? "DELETE FROM warren_task_limit WHERE name = ?"
            : "INSERT INTO warren_task_limit (name, rate, rate_per_ms, concurrency, per_key)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET rate = excluded.rate,"
                + " rate_per_ms = excluded.rate_per_ms, concurrency = excluded.concurrency,"
                + " per_key = excluded.per_key";
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, name);
      if (!limits.isNone()) {
        p.setInt(2, limits.rate());
        p.setLong(3, limits.ratePer() == null ? 0 : limits.ratePer().toMillis());
        p.setInt(4, limits.concurrency());
        p.setInt(5, limits.perKeyConcurrency());
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure("declare the limits of task " + name, e);
    }
  }

  @Override
  public Map<String, TaskLimits> limits() {
    try (Connection c = pool.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT name, rate, rate_per_ms, concurrency, per_key FROM warren_task_limit");
        ResultSet r = p.executeQuery()) {
      Map<String, TaskLimits> out = new TreeMap<>();
      while (r.next()) {
        int rate = r.getInt(2);
        out.put(
            r.getString(1),
            new TaskLimits(
                rate,
                rate == 0 ? null : Duration.ofMillis(r.getLong(3)),
                r.getInt(4),
                r.getInt(5)));
      }
      return out;
    } catch (SQLException e) {
      throw failure("read the task limits", e);
    }
  }

  @Override
  public TaskPermit acquire(
      String name, String key, String holder, TaskLimits limits, Instant now, Instant leaseUntil) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        TaskPermit p = acquire(c, name, key, holder, limits, now, leaseUntil);
        if (!p.granted()) {
          update(c, "UPDATE warren_task_limit SET deferred = deferred + 1 WHERE name = ?", name);
        }
        c.commit();
        return p;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("take a permit for task " + holder, e);
    }
  }

  private static TaskPermit acquire(
      Connection c,
      String name,
      String key,
      String holder,
      TaskLimits limits,
      Instant workerNow,
      Instant workerLeaseUntil)
      throws SQLException {
    try (PreparedStatement lock =
        c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
      lock.setInt(1, LOCK_SPACE);
      lock.setString(2, name);
      lock.execute();
    }
    // why: the rate window is counted on the database's clock, read once the lock is held: a
    // worker's clock read before it waited for the lock would date its start too early
    Instant now;
    try (PreparedStatement p = c.prepareStatement("SELECT clock_timestamp()");
        ResultSet r = p.executeQuery()) {
      r.next();
      now = r.getTimestamp(1).toInstant();
    }
    Instant leaseUntil = now.plus(Duration.between(workerNow, workerLeaseUntil));
    try (PreparedStatement p =
        c.prepareStatement("DELETE FROM warren_task_permit WHERE name = ? AND lease_until <= ?")) {
      p.setString(1, name);
      p.setTimestamp(2, Timestamp.from(now));
      p.executeUpdate();
    }
    boolean tracked = limits.concurrency() > 0 || (limits.perKeyConcurrency() > 0 && key != null);
    if (tracked && !held(c, name, holder)) {
      if (limits.concurrency() > 0
          && count(c, "SELECT count(*) FROM warren_task_permit WHERE name = ?", name, null)
              >= limits.concurrency()) {
        return TaskPermit.deny("concurrency " + limits.concurrency() + " reached", null);
      }
      if (limits.perKeyConcurrency() > 0
          && key != null
          && count(
                  c,
                  "SELECT count(*) FROM warren_task_permit WHERE name = ? AND limit_key = ?",
                  name,
                  key)
              >= limits.perKeyConcurrency()) {
        return TaskPermit.deny(
            "per-key concurrency " + limits.perKeyConcurrency() + " reached for key " + key, null);
      }
    }
    if (limits.rate() > 0) {
      Instant windowStart = now.minus(limits.ratePer());
      try (PreparedStatement p =
          c.prepareStatement("DELETE FROM warren_task_start WHERE name = ? AND at <= ?")) {
        p.setString(1, name);
        p.setTimestamp(2, Timestamp.from(windowStart));
        p.executeUpdate();
      }
      try (PreparedStatement p =
          c.prepareStatement("SELECT count(*), min(at) FROM warren_task_start WHERE name = ?")) {
        p.setString(1, name);
        try (ResultSet r = p.executeQuery()) {
          r.next();
          if (r.getLong(1) >= limits.rate()) {
            Instant oldest = r.getTimestamp(2).toInstant();
            return TaskPermit.deny(
                "rate limit " + limits.rateText() + " reached",
                Duration.between(now, oldest.plus(limits.ratePer())).plusMillis(1));
          }
        }
      }
      // why: dated as late as possible, so the start is counted close to when the task really
      // starts; safe, as every start counted so far is older than the lock, and so no window
      // ending later holds more of them than the one just checked
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO warren_task_start (name, at) VALUES (?, clock_timestamp())")) {
        p.setString(1, name);
        p.executeUpdate();
      }
    }
    if (tracked) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO warren_task_permit (name, holder, limit_key, lease_until)"
                  + " VALUES (?, ?, ?, ?) ON CONFLICT (name, holder) DO UPDATE SET"
                  + " limit_key = excluded.limit_key, lease_until = excluded.lease_until")) {
        p.setString(1, name);
        p.setString(2, holder);
        p.setString(3, key);
        p.setTimestamp(4, Timestamp.from(leaseUntil));
        p.executeUpdate();
      }
    }
    return TaskPermit.grant();
  }

  private static boolean held(Connection c, String name, String holder) throws SQLException {
    return count(
            c,
            "SELECT count(*) FROM warren_task_permit WHERE name = ? AND holder = ?",
            name,
            holder)
        > 0;
  }

  private static long count(Connection c, String sql, String a, String b) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, a);
      if (b != null) {
        p.setString(2, b);
      }
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static void update(Connection c, String sql, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, name);
      p.executeUpdate();
    }
  }

  @Override
  public void renew(String name, String key, String holder, Instant leaseUntil) {
    try (Connection c = pool.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "UPDATE warren_task_permit SET lease_until = ? WHERE name = ? AND holder = ?")) {
      p.setTimestamp(1, Timestamp.from(leaseUntil));
      p.setString(2, name);
      p.setString(3, holder);
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure("renew the permit of task " + holder, e);
    }
  }

  @Override
  public void release(String name, String key, String holder) {
    try (Connection c = pool.getConnection();
        PreparedStatement p =
            c.prepareStatement("DELETE FROM warren_task_permit WHERE name = ? AND holder = ?")) {
      p.setString(1, name);
      p.setString(2, holder);
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure("release the permit of task " + holder, e);
    }
  }

  @Override
  public TaskLimitUsage usage(String name, TaskLimits limits, Instant now) {
    try (Connection c = pool.getConnection()) {
      Map<String, Integer> byKey = new HashMap<>();
      int running = 0;
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT limit_key, count(*) FROM warren_task_permit"
                  + " WHERE name = ? AND lease_until > ? GROUP BY limit_key")) {
        p.setString(1, name);
        p.setTimestamp(2, Timestamp.from(now));
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            running += r.getInt(2);
            if (r.getString(1) != null) {
              byKey.put(r.getString(1), r.getInt(2));
            }
          }
        }
      }
      int starts = 0;
      if (limits.rate() > 0) {
        try (PreparedStatement p =
            c.prepareStatement(
                "SELECT count(*) FROM warren_task_start WHERE name = ? AND at > ? AND at <= ?")) {
          p.setString(1, name);
          p.setTimestamp(2, Timestamp.from(now.minus(limits.ratePer())));
          p.setTimestamp(3, Timestamp.from(now));
          try (ResultSet r = p.executeQuery()) {
            r.next();
            starts = r.getInt(1);
          }
        }
      }
      long deferred = 0;
      try (PreparedStatement p =
          c.prepareStatement("SELECT deferred FROM warren_task_limit WHERE name = ?")) {
        p.setString(1, name);
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            deferred = r.getLong(1);
          }
        }
      }
      return new TaskLimitUsage(name, limits, running, byKey, starts, deferred);
    } catch (SQLException e) {
      throw failure("read the use of the limits of task " + name, e);
    }
  }

  private TaskStoreException failure(String what, SQLException e) {
    return new TaskStoreException(
        "cannot " + what + " in the task store " + description + ": " + e.getMessage(), e);
  }
}
