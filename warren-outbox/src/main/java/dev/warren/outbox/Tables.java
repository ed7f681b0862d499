package dev.warren.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The outbox and inbox tables of one set of {@link OutboxOptions}: their names, the statements on
 * them, and creating them.
 *
 * <p>Order per partition key: a writer takes a transaction lock on its event's key before the row
 * gets its sequence number, so two transactions writing the same key commit in sequence order; a
 * key's rows all fall in one of {@value #LANES} lanes, and one relay at a time works a lane (a
 * session advisory lock), in sequence order. So a relay that sees a key's row has seen the key's
 * earlier rows, and publishes them first.
 */
final class Tables {
  /**
   * Lanes a table's events are spread over by partition key; why fixed: a key's rows must stay in
   * one lane, which a changed count would break for the rows written before the change.
   */
  static final int LANES = 32;

  final String outbox;
  final String inbox;
  final String channel;

  /** Advisory lock space of the writers' per-key transaction locks. */
  final int keyLocks;

  /** Advisory lock space of the relays' per-lane session locks. */
  final int laneLocks;

  private final String schema;
  private final String prefix;

  Tables(OutboxOptions options) {
    this.schema = options.schema();
    this.prefix = options.tablePrefix();
    String qualifier = schema == null ? "" : schema + ".";
    this.outbox = qualifier + prefix + "outbox";
    this.inbox = qualifier + prefix + "inbox";
    // why: NOTIFY channels are global to the database; the schema keeps two outboxes apart
    this.channel = (schema == null ? "" : schema + "_") + prefix + "outbox";
    this.keyLocks = ("warren-outbox-key:" + outbox).hashCode();
    this.laneLocks = ("warren-outbox-lane:" + outbox).hashCode();
  }

  /**
   * @param partitionKey an event's partition key, or {@code null}
   * @param eventId its id, which spreads events without a key over the lanes
   * @return its lane
   */
  static int laneOf(String partitionKey, String eventId) {
    return Math.floorMod(
        partitionKey != null ? partitionKey.hashCode() : eventId.hashCode(), LANES);
  }

  /** The columns of an outbox row, in the order of {@link #insert}'s parameters. */
  static final String COLUMNS =
      "lane, event_id, type, source, subject, partition_key, event_time, data_content_type,"
          + " data_schema, extensions, data";

  /**
   * @param keyed whether the event has a partition key (then the statement takes its key lock
   *     first: two more parameters, the lock space and the key's hash)
   * @param notify whether it also wakes the relays at commit (one more parameter, the channel)
   * @return the INSERT of one event
   */
  String insert(boolean keyed, boolean notify) {
    String values = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?";
    String before;
    if (keyed && notify) {
      before = " FROM (SELECT pg_advisory_xact_lock(?, ?), pg_notify(?, '')) AS ordered";
    } else if (keyed) {
      before = " FROM (SELECT pg_advisory_xact_lock(?, ?)) AS ordered";
    } else if (notify) {
      before = " FROM (SELECT pg_notify(?, '')) AS woken";
    } else {
      before = "";
    }
    // why: the lock is taken in the FROM clause, so before the row draws its sequence number
    return "INSERT INTO " + outbox + " (" + COLUMNS + ") SELECT " + values + before;
  }

  /**
   * One round trip of a relay: marks the confirmed rows sent (parameter 1), takes the session lock
   * of each lane with unsent rows that it does not hold yet (2: the lanes it holds; 3: the lock
   * space), and reads each lane's next unsent rows in sequence order, at most the batch size (5),
   * leaving out the rows in flight and those just marked (4; the statement's snapshot still shows
   * these unsent). A lane it holds without a row to read comes back once with null columns, so
   * every lane it holds is known.
   */
  String markLockAndRead() {
    return "WITH marked AS (UPDATE "
        + outbox
        + " SET sent_at = now() WHERE seq = ANY (?::bigint[]) RETURNING seq),"
        + " candidates AS (SELECT l FROM generate_series(0, "
        + (LANES - 1)
        + ") AS l WHERE EXISTS (SELECT 1 FROM "
        + outbox
        + " o WHERE o.lane = l AND o.sent_at IS NULL)),"
        // why: CASE, not OR, so a lane already held is never locked again (session advisory
        // locks stack, and one unlock would then not let go of it)
        + " mine AS (SELECT l FROM candidates WHERE CASE WHEN l = ANY (?::int[]) THEN true"
        + " ELSE pg_try_advisory_lock(?, l) END)"
        + " SELECT mine.l AS held_lane, r.* FROM mine LEFT JOIN LATERAL (SELECT o.seq, o."
        + COLUMNS.replace(", ", ", o.")
        + " FROM "
        + outbox
        + " o WHERE o.lane = mine.l AND o.sent_at IS NULL AND o.seq <> ALL (?::bigint[])"
        + " ORDER BY o.seq LIMIT ?) AS r ON true"
        + " ORDER BY mine.l, r.seq";
  }

  String markSent() {
    return "UPDATE " + outbox + " SET sent_at = now() WHERE seq = ANY (?)";
  }

  String backlog() {
    return "SELECT count(*), EXTRACT(EPOCH FROM now() - min(created_at)) FROM "
        + outbox
        + " WHERE sent_at IS NULL";
  }

  String deleteSent() {
    // why: in slices, so a large backlog of sent rows never holds one long lock
    return "DELETE FROM "
        + outbox
        + " WHERE seq IN (SELECT seq FROM "
        + outbox
        + " WHERE sent_at < now() - ? * interval '1 millisecond' LIMIT 10000)";
  }

  String recordHandled() {
    return "INSERT INTO "
        + inbox
        + " (subscription, event_id) VALUES (?, ?) ON CONFLICT (subscription, event_id) DO NOTHING";
  }

  String expireHandled() {
    return "DELETE FROM "
        + inbox
        + " WHERE ctid IN (SELECT ctid FROM "
        + inbox
        + " WHERE handled_at < now() - ? * interval '1 millisecond' LIMIT 10000)";
  }

  private List<String> ddl() {
    return List.of(
        "CREATE TABLE IF NOT EXISTS "
            + outbox
            + " (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " lane SMALLINT NOT NULL,"
            + " event_id TEXT NOT NULL,"
            + " type TEXT NOT NULL,"
            + " source TEXT,"
            + " subject TEXT,"
            + " partition_key TEXT,"
            // why: text, not timestamptz, which keeps microseconds only: the event's time
            // travels unchanged, to the nanosecond
            + " event_time TEXT NOT NULL,"
            + " data_content_type TEXT NOT NULL,"
            + " data_schema TEXT,"
            + " extensions JSONB NOT NULL,"
            + " data BYTEA NOT NULL,"
            + " created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
            + " sent_at TIMESTAMPTZ)",
        "CREATE INDEX IF NOT EXISTS "
            + prefix
            + "outbox_unsent ON "
            + outbox
            + " (lane, seq) WHERE sent_at IS NULL",
        "CREATE INDEX IF NOT EXISTS "
            + prefix
            + "outbox_sent ON "
            + outbox
            + " (sent_at) WHERE sent_at IS NOT NULL",
        "CREATE TABLE IF NOT EXISTS "
            + inbox
            + " (subscription TEXT NOT NULL,"
            + " event_id TEXT NOT NULL,"
            + " handled_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
            + " PRIMARY KEY (subscription, event_id))",
        "CREATE INDEX IF NOT EXISTS " + prefix + "inbox_handled ON " + inbox + " (handled_at)");
  }

  /**
   * Creates the schema and the tables when missing, under a transaction lock so that instances
   * starting together do not race.
   *
   * @param dataSource the database
   * @throws SQLException when they cannot be created
   */
  void create(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(
            "SELECT pg_advisory_xact_lock(" + ("warren-outbox-ddl:" + outbox).hashCode() + ")");
        if (schema != null) {
          s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        for (String statement : ddl()) {
          s.execute(statement);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }
}
