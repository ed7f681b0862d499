package dev.warren.outbox;

import dev.warren.Event;
import dev.warren.Warren;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link OutboxRelay}: one thread that takes the lanes with unsent rows that no other relay
 * holds, reads a batch of each in sequence order, publishes them (each key's events one after the
 * other, different keys and lanes together), marks the confirmed ones sent and lets go of the
 * lanes; then goes again while a lane had a full batch, else waits for a notification or the poll
 * interval.
 */
final class Relay implements OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  private static final AtomicInteger NUMBERS = new AtomicInteger();
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  private static final long STATS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final javax.sql.DataSource dataSource;
  private final Tables tables;
  private final OutboxOptions options;
  private final Warren warren;
  private final OutboxListener listener;
  private final Consumer<Relay> onClose;
  private final String name;
  private final Object wake = new Object();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong depth = new AtomicLong();
  private final AtomicLong oldestMillis = new AtomicLong();
  private final List<Meter> meters = new ArrayList<>();
  private final Counter publishedCounter;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean running = true;
  private volatile String problem;
  private Thread thread;
  private Connection listening;

  Relay(
      javax.sql.DataSource dataSource,
      Tables tables,
      OutboxOptions options,
      Warren warren,
      OutboxListener listener,
      Consumer<Relay> onClose) {
    this.dataSource = dataSource;
    this.tables = tables;
    this.options = options;
    this.warren = warren;
    this.listener = listener;
    this.onClose = onClose;
    this.name = "warren-outbox-relay-" + NUMBERS.incrementAndGet();
    this.publishedCounter =
        Counter.builder("warren.outbox.published")
            .description("events the outbox relay published with the broker's confirm")
            .tag("table", tables.outbox)
            .tag("relay", name)
            .register(Metrics.globalRegistry);
    meters.add(publishedCounter);
    meters.add(
        Gauge.builder("warren.outbox.depth", depth, AtomicLong::get)
            .description("events committed to the outbox and not yet published")
            .tag("table", tables.outbox)
            .tag("relay", name)
            .register(Metrics.globalRegistry));
    meters.add(
        Gauge.builder("warren.outbox.oldest.age", oldestMillis, m -> m.get() / 1000.0)
            .description("age of the oldest unsent outbox event")
            .baseUnit("seconds")
            .tag("table", tables.outbox)
            .tag("relay", name)
            .register(Metrics.globalRegistry));
  }

  void start() {
    thread = Thread.ofPlatform().name(name).daemon().start(this::run);
  }

  private void run() {
    long backoff = 0;
    long nextStats = System.nanoTime();
    while (running) {
      String failure;
      boolean more = false;
      try {
        Pass pass = pass();
        failure = pass.failure();
        more = pass.more();
      } catch (SQLException | RuntimeException e) {
        failure = "the database: " + e.getMessage();
      }
      if (System.nanoTime() - nextStats >= 0) {
        refreshStats();
        nextStats = System.nanoTime() + STATS_EVERY_NANOS;
      }
      if (failure != null) {
        if (!failure.equals(problem)) {
          log.warn("{} on {}: cannot publish now, backing off: {}", name, tables.outbox, failure);
        }
        problem = failure;
        backoff =
            backoff == 0
                ? MIN_BACKOFF.toMillis()
                : Math.min(backoff * 2, options.maxBackoff().toMillis());
        pause(backoff);
        continue;
      }
      if (problem != null) {
        log.info("{} on {}: publishing again after: {}", name, tables.outbox, problem);
        problem = null;
      }
      backoff = 0;
      if (!more) {
        awaitWork();
      }
    }
    stopListening();
  }

  /** What one pass over the lanes did. */
  private record Pass(boolean more, String failure) {}

  /** One unsent row. */
  private record Row(long seq, int lane, String key, Event event) {}

  private Pass pass() throws SQLException {
    if (!warren.isConnected()) {
      // why: publishing now would only fill the client's backlog; the rows wait in the table
      return new Pass(false, "the broker is not connected");
    }
    var blocked = warren.blocked();
    if (blocked.isPresent()) {
      // why: a blocked connection takes publishes and confirms none; they would only time out
      return new Pass(false, "the broker blocks publishing: " + blocked.get());
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      List<Integer> lanes = lanesWithWork(c);
      if (lanes.isEmpty()) {
        return new Pass(false, null);
      }
      Integer[] locked = lock(c, lanes);
      if (locked.length == 0) {
        return new Pass(false, null); // other relays work them all
      }
      try {
        List<Row> rows = unsent(c, locked);
        Published p = publish(rows);
        markSent(c, p.confirmed());
        if (p.failure() != null) {
          return new Pass(false, p.failure());
        }
        // why: a full lane has more; the next pass comes at once, after the locks were let go,
        // so other relays get their turn
        return new Pass(p.fullLane(), null);
      } finally {
        unlock(c, locked);
      }
    }
  }

  private List<Integer> lanesWithWork(Connection c) throws SQLException {
    List<Integer> lanes = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(tables.lanesWithWork())) {
      while (rs.next()) {
        lanes.add(rs.getInt(1));
      }
    }
    return lanes;
  }

  /** Takes the session locks of the lanes no other relay holds, in one round trip. */
  private Integer[] lock(Connection c, List<Integer> lanes) throws SQLException {
    List<Integer> locked = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT l FROM unnest(?::int[]) WITH ORDINALITY AS t(l, o)"
                + " WHERE pg_try_advisory_lock(?, l) ORDER BY o")) {
      Array array = c.createArrayOf("int4", lanes.toArray());
      s.setArray(1, array);
      s.setInt(2, tables.laneLocks);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          locked.add(rs.getInt(1));
        }
      }
      array.free();
    }
    return locked.toArray(Integer[]::new);
  }

  private void unlock(Connection c, Integer[] lanes) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT pg_advisory_unlock(?, l) FROM unnest(?::int[]) AS l")) {
      Array array = c.createArrayOf("int4", lanes);
      s.setInt(1, tables.laneLocks);
      s.setArray(2, array);
      s.executeQuery().close();
      array.free();
    }
  }

  /** Up to a batch of each lane's unsent rows, each lane in sequence order. */
  private List<Row> unsent(Connection c, Integer[] lanes) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(tables.unsentOfLanes())) {
      Array array = c.createArrayOf("int4", lanes);
      s.setArray(1, array);
      s.setInt(2, options.batchSize());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getLong("seq"),
                  rs.getInt("lane"),
                  rs.getString("partition_key"),
                  EventRows.read(rs)));
        }
      }
      array.free();
    }
    return rows;
  }

  private void markSent(Connection c, List<Long> seqs) throws SQLException {
    if (seqs.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(tables.markSent())) {
      Array array = c.createArrayOf("bigint", seqs.toArray());
      s.setArray(1, array);
      s.executeUpdate();
      array.free();
    }
  }

  /**
   * What a batch's publishing came to: the rows confirmed, why it stopped early if it did, and
   * whether a lane gave a full batch (so has more).
   */
  private record Published(List<Long> confirmed, String failure, boolean fullLane) {}

  /**
   * Publishes a batch: the rows of one partition key one after the other, each once the previous
   * one is confirmed, so a failure never lets a later event of a key overtake an earlier one; rows
   * of different keys (and rows without a key) in flight together.
   */
  private Published publish(List<Row> rows) {
    Map<String, List<Row>> chains = new LinkedHashMap<>();
    Map<Integer, Integer> perLane = new HashMap<>();
    for (Row row : rows) {
      perLane.merge(row.lane(), 1, Integer::sum);
      String chain = row.key() != null ? "k:" + row.key() : "s:" + row.seq();
      chains.computeIfAbsent(chain, k -> new ArrayList<>()).add(row);
    }
    ConcurrentLinkedQueue<Long> confirmed = new ConcurrentLinkedQueue<>();
    AtomicReference<String> failure = new AtomicReference<>();
    // why: the client fails a publish at its own publish timeout; this bound only guards against
    // a future that never completes
    long waitMillis = warren.options().publishTimeout().plusSeconds(10).toMillis();
    try (ExecutorService chainsInFlight = Executors.newVirtualThreadPerTaskExecutor()) {
      for (List<Row> chain : chains.values()) {
        chainsInFlight.execute(
            () -> {
              for (Row row : chain) {
                if (failure.get() != null) {
                  return;
                }
                Event sent;
                try {
                  sent = warren.publish(row.event()).get(waitMillis, TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, "publishing failed: " + e.getMessage());
                  return;
                } catch (ExecutionException e) {
                  failure.compareAndSet(null, "publishing failed: " + e.getCause().getMessage());
                  return;
                } catch (TimeoutException e) {
                  failure.compareAndSet(null, "no confirm within " + waitMillis + " ms");
                  return;
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  failure.compareAndSet(null, "interrupted");
                  return;
                }
                confirmed.add(row.seq());
                published.incrementAndGet();
                publishedCounter.increment();
                tell(sent);
              }
            });
      }
    }
    boolean full = perLane.values().stream().anyMatch(n -> n >= options.batchSize());
    return new Published(new ArrayList<>(confirmed), failure.get(), full);
  }

  private void tell(Event sent) {
    if (listener == null) {
      return;
    }
    try {
      listener.published(sent);
    } catch (RuntimeException e) {
      log.warn("{}: the outbox listener failed on {}: {}", name, sent.id(), e.toString());
    }
  }

  /** Waits for a commit's notification, at most the poll interval. */
  private void awaitWork() {
    long poll = options.pollInterval().toMillis();
    if (!options.notifyOnCommit()) {
      pause(poll);
      return;
    }
    try {
      if (listening == null) {
        listening = dataSource.getConnection();
        listening.setAutoCommit(true);
        try (Statement s = listening.createStatement()) {
          s.execute("LISTEN " + tables.channel);
        }
      }
      // why: returns at once with what arrived while the relay was busy, else waits
      listening
          .unwrap(PGConnection.class)
          .getNotifications((int) Math.min(poll, Integer.MAX_VALUE));
    } catch (SQLException e) {
      log.debug("{}: listening failed, polling: {}", name, e.getMessage());
      stopListening();
      pause(poll);
    }
  }

  private void stopListening() {
    if (listening != null) {
      try {
        listening.close();
      } catch (SQLException e) {
        // a broken connection is dropped by the pool anyway
      }
      listening = null;
    }
  }

  private void pause(long millis) {
    synchronized (wake) {
      if (!running) {
        return;
      }
      try {
        wake.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  private void refreshStats() {
    try {
      long[] backlog = backlog();
      depth.set(backlog[0]);
      oldestMillis.set(backlog[1]);
    } catch (SQLException | RuntimeException e) {
      log.debug("{}: cannot measure the backlog: {}", name, e.getMessage());
    }
  }

  /** Unsent rows and the age of the oldest, in milliseconds, by the database's clock. */
  private long[] backlog() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(tables.backlog())) {
      rs.next();
      double seconds = rs.getDouble(2);
      return new long[] {rs.getLong(1), Math.max(0, Math.round(seconds * 1000))};
    }
  }

  @Override
  public OutboxHealth health() {
    Instant now = Instant.now();
    long[] backlog;
    try {
      backlog = backlog();
    } catch (SQLException | RuntimeException e) {
      return new OutboxHealth(
          OutboxHealth.Status.DEGRADED,
          -1,
          Duration.ZERO,
          "cannot read " + tables.outbox + ": " + e.getMessage(),
          now);
    }
    depth.set(backlog[0]);
    oldestMillis.set(backlog[1]);
    Duration age = Duration.ofMillis(backlog[1]);
    String relayProblem = running ? problem : "the relay is closed";
    if (age.compareTo(options.degradedAfter()) > 0) {
      String why =
          "the oldest of "
              + backlog[0]
              + " unsent events is "
              + age.toMillis()
              + " ms old, more than "
              + options.degradedAfter()
              + (relayProblem == null ? "" : "; " + relayProblem);
      return new OutboxHealth(OutboxHealth.Status.DEGRADED, backlog[0], age, why, now);
    }
    return new OutboxHealth(OutboxHealth.Status.UP, backlog[0], age, relayProblem, now);
  }

  @Override
  public long published() {
    return published.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (wake) {
      running = false;
      wake.notifyAll();
    }
    if (thread != null && thread != Thread.currentThread()) {
      try {
        // why: a batch in flight finishes and is marked; it waits at most the publish timeout
        long bound =
            warren
                .options()
                .publishTimeout()
                .plus(options.pollInterval())
                .plusSeconds(15)
                .toMillis();
        thread.join(bound);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Meter m : meters) {
      Metrics.globalRegistry.remove(m);
    }
    onClose.accept(this);
  }

  @Override
  public String toString() {
    return name + " on " + tables.outbox;
  }
}
