package dev.warren.outbox;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.WarrenException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional outbox: events written in the application's own JDBC transaction, published by
 * an {@link OutboxRelay} after the commit. An event whose transaction rolls back is never
 * published; one whose process dies right after the commit is published by the next relay. On
 * PostgreSQL.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.create(dataSource, OutboxOptions.defaults());   // creates its tables
 * OutboxRelay relay = outbox.startRelay(warren);                          // one or more instances
 *
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   insertOrder(c, order);
 *   outbox.publish(c, Event.builder("order.placed").data(order).partitionKey(order.id()).build());
 *   c.commit();                                       // the order and its event, or neither
 * }
 * }</pre>
 *
 * <p>The tables ({@code warren_outbox}, {@code warren_inbox}, see {@link OutboxOptions}) are
 * created when missing. Sent rows older than {@link OutboxOptions#retention()} and inbox rows older
 * than {@link OutboxOptions#inboxRetention()} are deleted every {@link
 * OutboxOptions#cleanupInterval()} by a daemon thread of this outbox.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  private final DataSource dataSource;
  private final HikariDataSource ownPool;
  private final OutboxOptions options;
  private final Tables tables;
  private final Inbox inbox;
  private final String insertKeyed;
  private final String insertKeyless;
  private final ScheduledExecutorService cleanup;
  private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private Outbox(DataSource dataSource, HikariDataSource ownPool, OutboxOptions options) {
    this.dataSource = dataSource;
    this.ownPool = ownPool;
    this.options = options;
    this.tables = new Tables(options);
    this.inbox = new Inbox(dataSource, tables);
    this.insertKeyed = tables.insert(true, options.notifyOnCommit());
    this.insertKeyless = tables.insert(false, options.notifyOnCommit());
    this.cleanup =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-outbox-cleanup");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens an outbox on the application's data source and creates its tables when missing.
   *
   * @param dataSource the application's PostgreSQL data source (a pool); a relay holds one of its
   *     connections while it listens for notifications
   * @param options where the tables are and how relays work
   * @return the outbox
   * @throws WarrenException when the tables cannot be created
   */
  public static Outbox create(DataSource dataSource, OutboxOptions options) {
    if (dataSource == null || options == null) {
      throw new InvalidInputException("Outbox.create needs a data source and options, got null");
    }
    return start(new Outbox(dataSource, null, options));
  }

  /**
   * Opens an outbox on a HikariCP pool of its own, closed with it.
   *
   * @param jdbcUrl a {@code jdbc:postgresql://} URL
   * @param options where the tables are and how relays work
   * @return the outbox
   * @throws InvalidInputException when the URL is no PostgreSQL JDBC URL
   * @throws WarrenException when the database cannot be reached or the tables cannot be created
   */
  public static Outbox create(String jdbcUrl, OutboxOptions options) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new InvalidInputException(
          "invalid outbox JDBC URL '" + jdbcUrl + "': the outbox needs jdbc:postgresql://…");
    }
    if (options == null) {
      throw new InvalidInputException("Outbox.create needs options, got null");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("warren-outbox");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new WarrenException("outbox: cannot connect to the database: " + e.getMessage(), e);
    }
    try {
      return start(new Outbox(pool, pool, options));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static Outbox start(Outbox outbox) {
    try {
      outbox.tables.create(outbox.dataSource);
    } catch (SQLException e) {
      outbox.close();
      throw new WarrenException(
          "outbox: cannot create " + outbox.tables.outbox + ": " + e.getMessage(), e);
    }
    long every = outbox.options.cleanupInterval().toMillis();
    outbox.cleanup.scheduleWithFixedDelay(outbox::cleanUp, every, every, TimeUnit.MILLISECONDS);
    return outbox;
  }

  /**
   * Writes the event into the outbox in the caller's transaction; it is published once the
   * transaction commits, and never when it rolls back. Events of one partition key are published in
   * the order their transactions commit: a transaction that publishes an event with a key holds
   * that key (a transaction-scoped advisory lock) until it ends, so two transactions writing the
   * same key one after the other are never reordered. why it matters to the caller: a transaction
   * that writes events of several keys takes their locks in the order it writes them, so two
   * transactions writing the same two keys in opposite orders can deadlock (PostgreSQL then aborts
   * one of them, which the application retries like any deadlock); writing a transaction's events
   * in a fixed key order avoids it.
   *
   * @param connection the caller's connection, in a transaction (auto-commit off)
   * @param event the event, complete; without a source it gets the relay's
   * @return the event as written
   * @throws InvalidInputException when the connection is in auto-commit mode or an argument is null
   * @throws SQLException from the caller's database, which the caller's transaction handles
   */
  public Event publish(Connection connection, Event event) throws SQLException {
    if (connection == null || event == null) {
      throw new InvalidInputException("outbox.publish needs a connection and an event, got null");
    }
    if (connection.getAutoCommit()) {
      throw new InvalidInputException(
          "the connection is in auto-commit mode: the outbox writes the event in the caller's"
              + " transaction; call setAutoCommit(false) and commit with the application's writes");
    }
    String key = event.partitionKey().orElse(null);
    try (PreparedStatement insert =
        connection.prepareStatement(key != null ? insertKeyed : insertKeyless)) {
      EventRows.bind(insert, event);
      int next = 12;
      if (key != null) {
        insert.setInt(next++, tables.keyLocks);
        insert.setInt(next++, key.hashCode());
      }
      if (options.notifyOnCommit()) {
        insert.setString(next, tables.channel);
      }
      insert.executeUpdate();
    }
    return event;
  }

  /**
   * Starts a relay that publishes this outbox's events through {@code warren}.
   *
   * @param warren the instance to publish with; not closed by the relay
   * @return the running relay
   * @throws WarrenException when the outbox is closed
   */
  public OutboxRelay startRelay(Warren warren) {
    return startRelay(warren, null);
  }

  /**
   * Starts a relay that tells {@code listener} about each confirmed event.
   *
   * @param warren the instance to publish with; not closed by the relay
   * @param listener told about each event the broker confirmed, or {@code null}
   * @return the running relay
   * @throws WarrenException when the outbox is closed
   */
  public OutboxRelay startRelay(Warren warren, OutboxListener listener) {
    if (warren == null) {
      throw new InvalidInputException("startRelay needs a Warren instance, got null");
    }
    if (closed.get()) {
      throw new WarrenException("the outbox " + tables.outbox + " is closed");
    }
    Relay relay = new Relay(dataSource, tables, options, warren, listener, relays::remove);
    relays.add(relay);
    relay.start();
    return relay;
  }

  /**
   * @return the inbox on the same database and options
   */
  public Inbox inbox() {
    return inbox;
  }

  /**
   * @return the options
   */
  public OutboxOptions options() {
    return options;
  }

  /**
   * @return the outbox table's name, schema-qualified when a schema was given
   */
  public String table() {
    return tables.outbox;
  }

  private void cleanUp() {
    try {
      long sent = deleteSent(options.retention());
      long expired = inbox.expire(options.inboxRetention().toMillis());
      if (sent + expired > 0) {
        log.debug("outbox {}: deleted {} sent and {} expired inbox rows", table(), sent, expired);
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("outbox {}: cleanup failed, retrying later: {}", table(), e.getMessage());
    }
  }

  private long deleteSent(Duration retention) throws SQLException {
    long total = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement delete = c.prepareStatement(tables.deleteSent())) {
      delete.setLong(1, retention.toMillis());
      int n;
      do {
        n = delete.executeUpdate();
        total += n;
      } while (n > 0);
    }
    return total;
  }

  /**
   * Stops the relays started from it and the cleanup, and closes the pool when it is the outbox's
   * own. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Relay relay : relays) {
      relay.close();
    }
    cleanup.shutdownNow();
    if (ownPool != null) {
      ownPool.close();
    }
  }
}
