package dev.warren.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.warren.WarrenException;
import dev.warren.lineage.Delivery;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Outcome;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lineage in PostgreSQL: {@code warren_lineage_event} (one row per event, the first write wins),
 * {@code warren_lineage_parent} (parent to child, for walking down a tree) and {@code
 * warren_lineage_step} (append-only, one row per delivery step). The tables (and the {@code
 * currentSchema} of the URL) are created on first use, under an advisory lock.
 */
public final class PostgresLineageStore implements LineageStore {
  private static final long SCHEMA_LOCK = 0x5741525245_4E4CL; // "WARRENL"
  private static final List<String> TABLES =
      List.of(
          "CREATE TABLE IF NOT EXISTS warren_lineage_event ("
              + " id text PRIMARY KEY,"
              + " type text NOT NULL,"
              + " source text,"
              + " time timestamptz NOT NULL,"
              + " correlation_id text NOT NULL,"
              + " parent_ids text[] NOT NULL,"
              + " size bigint NOT NULL,"
              + " recorded_at timestamptz NOT NULL DEFAULT now())",
          "CREATE INDEX IF NOT EXISTS warren_lineage_event_correlation"
              + " ON warren_lineage_event (correlation_id, time, id)",
          "CREATE TABLE IF NOT EXISTS warren_lineage_parent ("
              + " parent_id text NOT NULL,"
              + " child_id text NOT NULL,"
              + " PRIMARY KEY (parent_id, child_id))",
          "CREATE TABLE IF NOT EXISTS warren_lineage_step ("
              + " seq bigserial PRIMARY KEY,"
              + " event_id text NOT NULL,"
              + " subscription text NOT NULL,"
              + " outcome text NOT NULL,"
              + " at timestamptz NOT NULL,"
              + " attempts bigint NOT NULL,"
              + " duration_nanos bigint NOT NULL,"
              + " error text)",
          "CREATE INDEX IF NOT EXISTS warren_lineage_step_event"
              + " ON warren_lineage_step (event_id, seq)");
  private static final String EVENT_COLUMNS =
      "e.id, e.type, e.source, e.time, e.correlation_id, e.parent_ids, e.size";

  private final HikariDataSource pool;
  private final String description;

  private PostgresLineageStore(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /**
   * Connects and creates the tables if needed.
   *
   * @param url a {@code jdbc:postgresql://} URL, optionally with {@code currentSchema}
   * @return a ready store
   * @throws WarrenException when the database cannot be reached
   */
  public static PostgresLineageStore connect(String url) {
    String description = PostgresDatabase.describe(url);
    // why: one writer thread and occasional queries; lineage must not starve the task store
    HikariDataSource pool =
        PostgresDatabase.open(
            url,
            "warren-lineage",
            3,
            SCHEMA_LOCK,
            TABLES,
            (what, e) ->
                new WarrenException(
                    "PostgreSQL lineage store " + description + ": cannot " + what, e));
    return new PostgresLineageStore(pool, description);
  }

  private WarrenException failure(String what, SQLException e) {
    return new WarrenException(
        "PostgreSQL lineage store " + description + ": cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public void write(List<LineageWrite> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement events =
              c.prepareStatement(
                  "INSERT INTO warren_lineage_event"
                      + " (id, type, source, time, correlation_id, parent_ids, size)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
          PreparedStatement parents =
              c.prepareStatement(
                  "INSERT INTO warren_lineage_parent (parent_id, child_id)"
                      + " SELECT unnest(parent_ids), id FROM warren_lineage_event"
                      + " WHERE id = ANY (?) ON CONFLICT DO NOTHING");
          PreparedStatement steps =
              c.prepareStatement(
                  "INSERT INTO warren_lineage_step"
                      + " (event_id, subscription, outcome, at, attempts, duration_nanos, error)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        List<String> seen = new ArrayList<>();
        int stepCount = 0;
        for (LineageWrite w : batch) {
          switch (w) {
            case LineageWrite.EventSeen s -> {
              EventRecord e = s.event();
              events.setString(1, e.id());
              events.setString(2, e.type());
              events.setString(3, e.source());
              events.setTimestamp(4, Timestamp.from(e.time()));
              events.setString(5, e.correlationId());
              events.setArray(6, c.createArrayOf("text", e.parentIds().toArray()));
              events.setLong(7, e.size());
              events.addBatch();
              seen.add(e.id());
            }
            case LineageWrite.StepTaken t -> {
              DeliveryStep st = t.step();
              steps.setString(1, t.eventId());
              steps.setString(2, t.subscription());
              steps.setString(3, st.outcome().name());
              steps.setTimestamp(4, Timestamp.from(st.at()));
              steps.setLong(5, st.attempts());
              steps.setLong(6, st.duration().toNanos());
              steps.setString(7, st.error());
              steps.addBatch();
              stepCount++;
            }
          }
        }
        if (!seen.isEmpty()) {
          events.executeBatch();
          // why: parents come from the stored row, so a later, different write of the same id
          // cannot add parents the first one did not have
          parents.setArray(1, c.createArrayOf("text", seen.toArray()));
          parents.executeUpdate();
        }
        if (stepCount > 0) {
          steps.executeBatch();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("write " + batch.size() + " lineage record(s)", e);
    }
  }

  @Override
  public Optional<EventRecord> event(String eventId) {
    List<EventRecord> found =
        query(
            "SELECT " + EVENT_COLUMNS + " FROM warren_lineage_event e WHERE e.id = ?",
            "read event " + eventId,
            eventId,
            1);
    return found.stream().findFirst();
  }

  @Override
  public List<EventRecord> children(String parentId, int limit) {
    return query(
        "SELECT "
            + EVENT_COLUMNS
            + " FROM warren_lineage_parent p JOIN warren_lineage_event e ON e.id = p.child_id"
            + " WHERE p.parent_id = ? ORDER BY e.time, e.id LIMIT ?",
        "read the children of " + parentId,
        parentId,
        limit);
  }

  @Override
  public List<EventRecord> correlation(String correlationId, int limit) {
    return query(
        "SELECT "
            + EVENT_COLUMNS
            + " FROM warren_lineage_event e WHERE e.correlation_id = ? ORDER BY e.time, e.id"
            + " LIMIT ?",
        "read correlation " + correlationId,
        correlationId,
        limit);
  }

  private List<EventRecord> query(String sql, String what, String key, int limit) {
    try (Connection c = pool.getConnection()) {
      List<EventRecord> events = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, key);
        if (sql.endsWith("LIMIT ?")) {
          ps.setInt(2, limit);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Array parents = rs.getArray(6);
            events.add(
                new EventRecord(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getTimestamp(4).toInstant(),
                    rs.getString(5),
                    List.of((String[]) parents.getArray()),
                    rs.getLong(7),
                    List.of()));
          }
        }
      }
      return withDeliveries(c, events);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static List<EventRecord> withDeliveries(Connection c, List<EventRecord> events)
      throws SQLException {
    if (events.isEmpty()) {
      return events;
    }
    Map<String, Map<String, List<DeliveryStep>>> steps = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT event_id, subscription, outcome, at, attempts, duration_nanos, error"
                + " FROM warren_lineage_step WHERE event_id = ANY (?) ORDER BY seq")) {
      ps.setArray(1, c.createArrayOf("text", events.stream().map(EventRecord::id).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          steps
              .computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
              .computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
              .add(
                  new DeliveryStep(
                      Outcome.valueOf(rs.getString(3)),
                      rs.getTimestamp(4).toInstant(),
                      rs.getLong(5),
                      Duration.ofNanos(rs.getLong(6)),
                      rs.getString(7)));
        }
      }
    }
    List<EventRecord> out = new ArrayList<>(events.size());
    for (EventRecord e : events) {
      List<Delivery> deliveries = new ArrayList<>();
      steps.getOrDefault(e.id(), Map.of()).forEach((s, l) -> deliveries.add(Delivery.of(s, l)));
      out.add(e.withDeliveries(deliveries));
    }
    return out;
  }

  @Override
  public void close() {
    pool.close();
  }
}
