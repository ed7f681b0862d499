package dev.warren.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.warren.codec.TaskStatusJson;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.TaskLookup;
import dev.warren.tasks.spi.TaskRevokes;
import dev.warren.tasks.spi.TaskStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task state in PostgreSQL. One row per task in {@code warren_task}: the whole {@link TaskStatus}
 * as JSON text (exact round trip), with the name, state and timestamps in columns for operators'
 * queries; revokes in {@code warren_task_revoke}, so no status write can undo one. Expired rows are
 * filtered on read and deleted every {@value #PURGE_EVERY_MINUTES} minutes by whichever instance
 * writes.
 *
 * <p>The schema (and the {@code currentSchema} of the URL, if given) is created on first use, under
 * an advisory lock so several instances starting together do not race.
 */
public final class PostgresTaskStore implements TaskStore {
  static final long PURGE_EVERY_MINUTES = 10;
  private static final long SCHEMA_LOCK = 0x5741525245_4E54L; // "WARRENT"
  private static final List<String> TASK_TABLES =
      List.of(
          "CREATE TABLE IF NOT EXISTS warren_task ("
              + " id text PRIMARY KEY,"
              + " name text NOT NULL,"
              + " state text NOT NULL,"
              + " status text NOT NULL,"
              + " updated_at timestamptz NOT NULL,"
              + " expires_at timestamptz)",
          "CREATE INDEX IF NOT EXISTS warren_task_expires_at ON warren_task (expires_at)"
              + " WHERE expires_at IS NOT NULL",
          "CREATE TABLE IF NOT EXISTS warren_task_revoke ("
              + " id text PRIMARY KEY,"
              + " revoked_at timestamptz NOT NULL,"
              + " keep_until timestamptz NOT NULL)",
          // why: the revoke log workers follow (revokesAfter); added to tables of 0.1 as well
          "ALTER TABLE warren_task_revoke ADD COLUMN IF NOT EXISTS seq bigserial",
          "CREATE INDEX IF NOT EXISTS warren_task_revoke_seq ON warren_task_revoke (seq)");

  /** The task tables, then the limit tables ({@link PostgresTaskLimitStore}). */
  private static final List<String> TABLES =
      java.util.stream.Stream.concat(TASK_TABLES.stream(), PostgresTaskLimitStore.TABLES.stream())
          .toList();

  private final HikariDataSource pool;
  private final String description;
  private final AtomicLong nextPurge = new AtomicLong();
  private final PostgresTaskLimitStore limits;

  private PostgresTaskStore(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
    this.limits = new PostgresTaskLimitStore(pool, description);
  }

  /** Task limits live beside the tasks, in the same schema ({@link PostgresTaskLimitStore}). */
  @Override
  public Optional<dev.warren.tasks.spi.TaskLimitStore> limitStore() {
    return Optional.of(limits);
  }

  /**
   * Connects and creates the tables if needed.
   *
   * @param url a {@code jdbc:postgresql://} URL
   * @return a ready store
   * @throws TaskStoreException when the database cannot be reached
   */
  public static PostgresTaskStore connect(String url) {
    String description = PostgresDatabase.describe(url);
    HikariDataSource pool =
        PostgresDatabase.open(
            url,
            "warren-tasks",
            8,
            SCHEMA_LOCK,
            TABLES,
            (what, e) ->
                new TaskStoreException(
                    "PostgreSQL task store " + description + ": cannot " + what, e));
    return new PostgresTaskStore(pool, description);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void put(TaskStatus status) {
    putAll(List.of(status));
  }

  /**
   * One multi-row upsert over arrays ({@code unnest}), so one statement, one round trip and one
   * commit store them all, whatever their number: the group commit of the task queue's writers.
   * Rows are written in id order. why: two instances upserting overlapping tasks in the same order
   * wait for each other instead of deadlocking.
   */
  @Override
  public void putAll(Collection<TaskStatus> statuses) {
    if (statuses.isEmpty()) {
      return;
    }
    // why: one row per id, or PostgreSQL refuses the statement ("cannot affect row a second time")
    TreeMap<String, TaskStatus> rows = new TreeMap<>();
    for (TaskStatus s : statuses) {
      rows.put(s.id(), s);
    }
    int n = rows.size();
    String[] ids = new String[n];
    String[] names = new String[n];
    String[] states = new String[n];
    String[] json = new String[n];
    Timestamp[] updated = new Timestamp[n];
    Timestamp[] expires = new Timestamp[n];
    int i = 0;
    for (TaskStatus s : rows.values()) {
      ids[i] = s.id();
      names[i] = s.name();
      states[i] = s.state().name();
      json[i] = TaskStatusJson.write(s);
      updated[i] = Timestamp.from(s.updatedAt());
      expires[i] = s.expiresAt() == null ? null : Timestamp.from(s.expiresAt());
      i++;
    }
    String sql =
        "INSERT INTO warren_task (id, name, state, status, updated_at, expires_at)"
            + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::timestamptz[], ?::timestamptz[])"
            + " ON CONFLICT (id) DO UPDATE SET name = excluded.name, state = excluded.state,"
            + " status = excluded.status, updated_at = excluded.updated_at,"
            + " expires_at = excluded.expires_at";
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setArray(1, c.createArrayOf("text", ids));
      p.setArray(2, c.createArrayOf("text", names));
      p.setArray(3, c.createArrayOf("text", states));
      p.setArray(4, c.createArrayOf("text", json));
      p.setArray(5, c.createArrayOf("timestamptz", updated));
      p.setArray(6, c.createArrayOf("timestamptz", expires));
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure(n == 1 ? "store task " + ids[0] : "store " + n + " tasks", e);
    }
    purgeNowAndThen();
  }

  /** One query for their statuses and revokes. */
  @Override
  public Map<String, TaskLookup> lookupAll(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    String sql =
        "SELECT i.id, t.status, r.revoked_at FROM unnest(?::text[]) AS i(id)"
            + " LEFT JOIN warren_task t ON t.id = i.id"
            + " AND (t.expires_at IS NULL OR t.expires_at > ?)"
            + " LEFT JOIN warren_task_revoke r ON r.id = i.id AND r.keep_until > ?"
            + " WHERE t.id IS NOT NULL OR r.id IS NOT NULL";
    Map<String, TaskLookup> found = new HashMap<>();
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      Timestamp now = Timestamp.from(Instant.now());
      p.setArray(1, c.createArrayOf("text", new LinkedHashSet<>(ids).toArray()));
      p.setTimestamp(2, now);
      p.setTimestamp(3, now);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          String status = r.getString(2);
          Timestamp revoked = r.getTimestamp(3);
          found.put(
              r.getString(1),
              new TaskLookup(
                  status == null ? null : TaskStatusJson.read(status),
                  revoked == null ? null : revoked.toInstant()));
        }
      }
    } catch (SQLException e) {
      throw failure("read " + ids.size() + " tasks", e);
    }
    return found;
  }

  @Override
  public Optional<TaskStatus> get(String id) {
    String sql =
        "SELECT status FROM warren_task WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)";
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, id);
      p.setTimestamp(2, Timestamp.from(Instant.now()));
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(TaskStatusJson.read(r.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read task " + id, e);
    }
  }

  @Override
  public List<TaskStatus> list(Set<TaskState> states, String name, int limit) {
    return list(states, name, null, null, limit);
  }

  @Override
  public List<TaskStatus> list(
      Set<TaskState> states, String name, Instant since, Instant until, int limit) {
    dev.warren.admin.TaskQuery query =
        new dev.warren.admin.TaskQuery(states, name, since, until, limit);
    // why: no index on updated_at, so this scans the live rows; fine for an operator's listing,
    // and it keeps every status write as cheap as before
    StringBuilder sql =
        new StringBuilder(
            "SELECT status FROM warren_task WHERE (expires_at IS NULL OR expires_at > ?)");
    if (!query.states().isEmpty()) {
      sql.append(" AND state = ANY (?)");
    }
    if (query.name() != null) {
      sql.append(" AND name = ?");
    }
    if (query.since() != null) {
      sql.append(" AND updated_at >= ?");
    }
    if (query.until() != null) {
      sql.append(" AND updated_at < ?");
    }
    sql.append(" ORDER BY updated_at DESC LIMIT ?");
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql.toString())) {
      int i = 1;
      p.setTimestamp(i++, Timestamp.from(Instant.now()));
      if (!query.states().isEmpty()) {
        p.setArray(
            i++, c.createArrayOf("text", query.states().stream().map(TaskState::name).toArray()));
      }
      if (query.name() != null) {
        p.setString(i++, query.name());
      }
      if (query.since() != null) {
        p.setTimestamp(i++, Timestamp.from(query.since()));
      }
      if (query.until() != null) {
        p.setTimestamp(i++, Timestamp.from(query.until()));
      }
      p.setInt(i, query.limit());
      List<TaskStatus> found = new ArrayList<>();
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          found.add(TaskStatusJson.read(r.getString(1)));
        }
      }
      return found;
    } catch (SQLException e) {
      throw failure("list tasks", e);
    }
  }

  @Override
  public boolean revoke(String id, Instant at, Instant keepUntil) {
    // why: a forgotten (expired) revoke row is replaced, a live one is kept as it was
    String sql =
        "INSERT INTO warren_task_revoke (id, revoked_at, keep_until) VALUES (?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at,"
            + " keep_until = excluded.keep_until, seq = excluded.seq"
            + " WHERE warren_task_revoke.keep_until <= ?";
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, id);
      p.setTimestamp(2, Timestamp.from(at));
      p.setTimestamp(3, Timestamp.from(keepUntil));
      p.setTimestamp(4, Timestamp.from(Instant.now()));
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("revoke task " + id, e);
    }
  }

  /** A page of the revoke log: the rows whose {@code seq} comes after the position. */
  @Override
  public Optional<TaskRevokes> revokesAfter(long after, int limit) {
    String sql =
        "SELECT id, revoked_at, seq FROM warren_task_revoke WHERE seq > ? AND keep_until > ?"
            + " ORDER BY seq LIMIT ?";
    Map<String, Instant> page = new LinkedHashMap<>();
    long position = after;
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, after);
      p.setTimestamp(2, Timestamp.from(Instant.now()));
      p.setInt(3, limit);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          page.put(r.getString(1), r.getTimestamp(2).toInstant());
          position = r.getLong(3);
        }
      }
    } catch (SQLException e) {
      throw failure("read the revokes after " + after, e);
    }
    return Optional.of(new TaskRevokes(page, position));
  }

  @Override
  public Optional<Instant> revokedAt(String id) {
    String sql = "SELECT revoked_at FROM warren_task_revoke WHERE id = ? AND keep_until > ?";
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, id);
      p.setTimestamp(2, Timestamp.from(Instant.now()));
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getTimestamp(1).toInstant()) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("read the revoke of task " + id, e);
    }
  }

  @Override
  public int purgeExpired(Instant now) {
    try (Connection c = pool.getConnection();
        PreparedStatement tasks =
            c.prepareStatement("DELETE FROM warren_task WHERE expires_at <= ?");
        PreparedStatement revokes =
            c.prepareStatement("DELETE FROM warren_task_revoke WHERE keep_until <= ?")) {
      tasks.setTimestamp(1, Timestamp.from(now));
      revokes.setTimestamp(1, Timestamp.from(now));
      return tasks.executeUpdate() + revokes.executeUpdate();
    } catch (SQLException e) {
      throw failure("delete expired tasks", e);
    }
  }

  private void purgeNowAndThen() {
    long now = System.nanoTime();
    long next = nextPurge.get();
    if (now - next >= 0
        && nextPurge.compareAndSet(next, now + Duration.ofMinutes(PURGE_EVERY_MINUTES).toNanos())) {
      try {
        purgeExpired(Instant.now());
      } catch (TaskStoreException e) {
        // why: the purge is housekeeping; the next one will catch up
      }
    }
  }

  private TaskStoreException failure(String what, SQLException e) {
    return new TaskStoreException(
        "cannot " + what + " in the task store " + description + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    pool.close();
  }
}
