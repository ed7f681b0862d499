package dev.warren.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.MissedSlots;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.tasks.TaskStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Schedules in PostgreSQL: one row per schedule in {@code warren_schedule}, whose {@code last_slot}
 * is the claim: {@code UPDATE … SET last_slot = ? WHERE last_slot < ?} changes the row for exactly
 * one of the instances racing for a slot (the row lock makes the others re-read it and match
 * nothing). Firings are rows of {@code warren_schedule_firing}, keyed by (schedule, slot, manual),
 * cut to each schedule's history size in the claim's transaction.
 */
public final class PostgresScheduleStore implements ScheduleStore {
  private static final long SCHEMA_LOCK = 0x5741525245_4E53L; // "WARRENS"
  private static final String COLUMNS =
      "name, cron, zone, interval_ms, task, args, queue, missed, history, paused, created_at,"
          + " resumed_at, last_slot";
  private static final String FIRING_COLUMNS =
      "schedule, slot, manual, state, task_id, instance, at, detail";
  private static final List<String> TABLES =
      List.of(
          "CREATE TABLE IF NOT EXISTS warren_schedule ("
              + " name text PRIMARY KEY,"
              + " cron text,"
              + " zone text NOT NULL,"
              + " interval_ms bigint,"
              + " task text NOT NULL,"
              + " args text,"
              + " queue text NOT NULL,"
              + " missed text NOT NULL,"
              + " history int NOT NULL,"
              + " paused boolean NOT NULL DEFAULT false,"
              + " created_at timestamptz NOT NULL,"
              + " resumed_at timestamptz,"
              + " last_slot timestamptz)",
          "CREATE TABLE IF NOT EXISTS warren_schedule_firing ("
              + " schedule text NOT NULL,"
              + " slot timestamptz NOT NULL,"
              + " manual boolean NOT NULL,"
              + " state text NOT NULL,"
              + " task_id text,"
              + " instance text NOT NULL,"
              + " at timestamptz NOT NULL,"
              + " detail text,"
              + " PRIMARY KEY (schedule, slot, manual))",
          "CREATE INDEX IF NOT EXISTS warren_schedule_firing_claimed"
              + " ON warren_schedule_firing (at) WHERE state = 'CLAIMED'");

  private final HikariDataSource pool;
  private final String description;

  private PostgresScheduleStore(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /**
   * Connects and creates the tables if needed.
   *
   * @param url a {@code jdbc:postgresql://} URL
   * @return a ready store
   * @throws TaskStoreException when the database cannot be reached
   */
  public static PostgresScheduleStore connect(String url) {
    String description = PostgresDatabase.describe(url);
    HikariDataSource pool =
        PostgresDatabase.open(
            url,
            "warren-schedules",
            4,
            SCHEMA_LOCK,
            TABLES,
            (what, e) ->
                new TaskStoreException(
                    "PostgreSQL schedule store " + description + ": cannot " + what, e));
    return new PostgresScheduleStore(pool, description);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public ScheduleInfo upsert(ScheduleInfo s) {
    String sql =
        "INSERT INTO warren_schedule ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET cron = excluded.cron, zone = excluded.zone,"
            + " interval_ms = excluded.interval_ms, task = excluded.task, args = excluded.args,"
            + " queue = excluded.queue, missed = excluded.missed, history = excluded.history"
            + " RETURNING "
            + COLUMNS;
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, s.name());
      p.setString(2, s.cron());
      p.setString(3, s.zone());
      if (s.interval() == null) {
        p.setNull(4, Types.BIGINT);
      } else {
        p.setLong(4, s.interval().toMillis());
      }
      p.setString(5, s.task());
      p.setString(6, s.args());
      p.setString(7, s.queue());
      p.setString(8, s.missedSlots().name());
      p.setInt(9, s.history());
      p.setBoolean(10, s.paused());
      p.setTimestamp(11, ts(s.createdAt()));
      p.setTimestamp(12, ts(s.resumedAt()));
      p.setTimestamp(13, ts(s.lastSlot()));
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return schedule(r);
      }
    } catch (SQLException e) {
      throw failure("store schedule " + s.name(), e);
    }
  }

  @Override
  public Optional<ScheduleInfo> get(String name) {
    try (Connection c = pool.getConnection();
        PreparedStatement p =
            c.prepareStatement("SELECT " + COLUMNS + " FROM warren_schedule WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(schedule(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read schedule " + name, e);
    }
  }

  @Override
  public List<ScheduleInfo> list() {
    try (Connection c = pool.getConnection();
        PreparedStatement p =
            c.prepareStatement("SELECT " + COLUMNS + " FROM warren_schedule ORDER BY name");
        ResultSet r = p.executeQuery()) {
      List<ScheduleInfo> out = new ArrayList<>();
      while (r.next()) {
        out.add(schedule(r));
      }
      return out;
    } catch (SQLException e) {
      throw failure("list schedules", e);
    }
  }

  @Override
  public Optional<ScheduleInfo> setPaused(String name, boolean paused, Instant at) {
    String sql =
        "UPDATE warren_schedule SET paused = ?,"
            + " resumed_at = CASE WHEN ? THEN resumed_at ELSE ? END"
            + " WHERE name = ? RETURNING "
            + COLUMNS;
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setBoolean(1, paused);
      p.setBoolean(2, paused);
      p.setTimestamp(3, ts(at));
      p.setString(4, name);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(schedule(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure((paused ? "pause" : "resume") + " schedule " + name, e);
    }
  }

  @Override
  public boolean delete(String name) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement f =
              c.prepareStatement("DELETE FROM warren_schedule_firing WHERE schedule = ?");
          PreparedStatement s = c.prepareStatement("DELETE FROM warren_schedule WHERE name = ?")) {
        f.setString(1, name);
        f.executeUpdate();
        s.setString(1, name);
        boolean existed = s.executeUpdate() == 1;
        c.commit();
        return existed;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("delete schedule " + name, e);
    }
  }

  @Override
  public boolean claim(Firing firing, int keep) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean won = firing.manual() ? insertManual(c, firing) : advance(c, firing);
        if (won) {
          if (!firing.manual()) {
            insert(c, firing);
          }
          prune(c, firing.schedule(), keep);
        }
        c.commit();
        return won;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("claim slot " + firing.slot() + " of schedule " + firing.schedule(), e);
    }
  }

  /** The claim of a planned slot: moves {@code last_slot} forward, or matches no row. */
  private static boolean advance(Connection c, Firing f) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE warren_schedule SET last_slot = ?"
                + " WHERE name = ? AND (last_slot IS NULL OR last_slot < ?)")) {
      p.setTimestamp(1, ts(f.slot()));
      p.setString(2, f.schedule());
      p.setTimestamp(3, ts(f.slot()));
      return p.executeUpdate() == 1;
    }
  }

  private static boolean insertManual(Connection c, Firing f) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO warren_schedule_firing ("
                + FIRING_COLUMNS
                + ") SELECT ?, ?, ?, ?, ?, ?, ?, ?"
                + " WHERE EXISTS (SELECT 1 FROM warren_schedule WHERE name = ?)"
                + " ON CONFLICT DO NOTHING")) {
      bind(p, f);
      p.setString(9, f.schedule());
      return p.executeUpdate() == 1;
    }
  }

  private static void insert(Connection c, Firing f) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO warren_schedule_firing ("
                + FIRING_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (schedule, slot, manual) DO UPDATE"
                + " SET state = excluded.state, task_id = excluded.task_id,"
                + " instance = excluded.instance, at = excluded.at, detail = excluded.detail")) {
      bind(p, f);
      p.executeUpdate();
    }
  }

  private static void prune(Connection c, String schedule, int keep) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "DELETE FROM warren_schedule_firing WHERE schedule = ? AND (slot, manual) NOT IN"
                + " (SELECT slot, manual FROM warren_schedule_firing WHERE schedule = ?"
                + " ORDER BY slot DESC, manual LIMIT ?)")) {
      p.setString(1, schedule);
      p.setString(2, schedule);
      p.setInt(3, keep);
      p.executeUpdate();
    }
  }

  @Override
  public boolean takeOver(
      String schedule,
      Instant slot,
      boolean manual,
      String instance,
      Instant at,
      Instant staleBefore) {
    String sql =
        "UPDATE warren_schedule_firing SET instance = ?, at = ?"
            + " WHERE schedule = ? AND slot = ? AND manual = ? AND state = 'CLAIMED' AND at < ?";
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, instance);
      p.setTimestamp(2, ts(at));
      p.setString(3, schedule);
      p.setTimestamp(4, ts(slot));
      p.setBoolean(5, manual);
      p.setTimestamp(6, ts(staleBefore));
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("take over slot " + slot + " of schedule " + schedule, e);
    }
  }

  @Override
  public void complete(Firing f) {
    String sql =
        "UPDATE warren_schedule_firing SET state = ?, task_id = ?, instance = ?, detail = ?"
            + " WHERE schedule = ? AND slot = ? AND manual = ?";
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, f.state().name());
      p.setString(2, f.taskId());
      p.setString(3, f.instance());
      p.setString(4, f.detail());
      p.setString(5, f.schedule());
      p.setTimestamp(6, ts(f.slot()));
      p.setBoolean(7, f.manual());
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure("record slot " + f.slot() + " of schedule " + f.schedule(), e);
    }
  }

  @Override
  public List<Firing> stalled(Instant staleBefore) {
    return firings(
        "SELECT "
            + FIRING_COLUMNS
            + " FROM warren_schedule_firing WHERE state = 'CLAIMED' AND at < ? ORDER BY at",
        p -> p.setTimestamp(1, ts(staleBefore)),
        "list stalled firings");
  }

  @Override
  public List<Firing> history(String schedule, int limit) {
    return firings(
        "SELECT "
            + FIRING_COLUMNS
            + " FROM warren_schedule_firing WHERE schedule = ? ORDER BY slot DESC, manual LIMIT ?",
        p -> {
          p.setString(1, schedule);
          p.setInt(2, limit);
        },
        "read the history of schedule " + schedule);
  }

  private interface Binder {
    void bind(PreparedStatement p) throws SQLException;
  }

  private List<Firing> firings(String sql, Binder binder, String what) {
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      binder.bind(p);
      try (ResultSet r = p.executeQuery()) {
        List<Firing> out = new ArrayList<>();
        while (r.next()) {
          out.add(
              new Firing(
                  r.getString(1),
                  instant(r.getTimestamp(2)),
                  r.getBoolean(3),
                  FiringState.valueOf(r.getString(4)),
                  r.getString(5),
                  r.getString(6),
                  instant(r.getTimestamp(7)),
                  r.getString(8)));
        }
        return out;
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static void bind(PreparedStatement p, Firing f) throws SQLException {
    p.setString(1, f.schedule());
    p.setTimestamp(2, ts(f.slot()));
    p.setBoolean(3, f.manual());
    p.setString(4, f.state().name());
    p.setString(5, f.taskId());
    p.setString(6, f.instance());
    p.setTimestamp(7, ts(f.at()));
    p.setString(8, f.detail());
  }

  private static ScheduleInfo schedule(ResultSet r) throws SQLException {
    long interval = r.getLong(4);
    boolean noInterval = r.wasNull();
    return new ScheduleInfo(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        noInterval ? null : Duration.ofMillis(interval),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        MissedSlots.valueOf(r.getString(8)),
        r.getInt(9),
        r.getBoolean(10),
        instant(r.getTimestamp(11)),
        instant(r.getTimestamp(12)),
        instant(r.getTimestamp(13)),
        null);
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private TaskStoreException failure(String what, SQLException e) {
    return new TaskStoreException(
        "PostgreSQL schedule store " + description + ": cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    pool.close();
  }
}
