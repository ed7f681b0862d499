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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link OutboxRelay}: one thread running a pipeline. Each step takes in the confirms that
 * arrived, marks those rows sent in one statement, takes the lanes with unsent rows that no other
 * relay holds, reads their next unsent rows past the ones in flight and publishes them, and lets go
 * of the lanes with nothing in flight. A key's events go one at a time, each once the previous one
 * is confirmed (so a failure never lets a later event of a key overtake an earlier one); different
 * keys, and batches, are in flight together. With nothing in flight and nothing unsent it waits for
 * a notification or the poll interval.
 */
final class Relay implements OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  private static final AtomicInteger NUMBERS = new AtomicInteger();
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  private static final long STATS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long AWAIT_CONFIRM_MILLIS = 5;
  private static final long UNLOCK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

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

  // why: the pipeline's state belongs to the relay thread alone; only completions cross threads
  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final Map<Long, Row> inFlight = new HashMap<>();
  private final Map<Integer, Integer> perLane = new HashMap<>();
  private final Map<String, ArrayDeque<Row>> waiting = new HashMap<>();
  private final Set<Integer> held = new HashSet<>();
  private final List<Long> toMark = new ArrayList<>();
  private Connection work;
  private long nextUnlock = System.nanoTime();

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
      boolean idle = false;
      try {
        Step step = step();
        failure = step.failure();
        idle = step.idle();
      } catch (SQLException | RuntimeException e) {
        failure = "the database: " + e.getMessage();
      }
      if (System.nanoTime() - nextStats >= 0) {
        refreshStats();
        nextStats = System.nanoTime() + STATS_EVERY_NANOS;
      }
      if (failure != null) {
        settle();
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
      if (idle) {
        awaitWork();
      }
    }
    settle();
    stopListening();
  }

  /** What one step did: nothing left to do (wait for a commit), or why it stopped. */
  private record Step(boolean idle, String failure) {
    static final Step BUSY = new Step(false, null);
    static final Step IDLE = new Step(true, null);

    static Step failed(String why) {
      return new Step(false, why);
    }
  }

  /** One unsent row. */
  private record Row(long seq, int lane, String key, Event event) {
    // why: identity, so the late confirm of a row given up on is never taken for the confirm of
    // the same row read and published again since
    @Override
    public boolean equals(Object other) {
      return this == other;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /** A publish that ended: confirmed ({@code sent}) or failed ({@code error}). */
  private record Completion(Row row, Event sent, Throwable error) {}

  /**
   * One step of the pipeline: takes in the confirms that arrived (publishing each key's next
   * event), marks the confirmed rows sent, reads the lanes' next unsent rows and publishes them
   * while the earlier ones still await their confirms, and lets go of the lanes with nothing in
   * flight.
   *
   * <p>why a pipeline: waiting for a whole batch's confirms before reading the next one made each
   * event wait for the slowest of its batch and for the round trips between batches; under load
   * that queueing, not the broker, was the commit-to-confirm latency.
   */
  private Step step() throws SQLException {
    if (!warren.isConnected()) {
      // why: publishing now would only fill the client's backlog; the rows wait in the table
      return Step.failed("the broker is not connected");
    }
    var blocked = warren.blocked();
    if (blocked.isPresent()) {
      // why: a blocked connection takes publishes and confirms none; they would only time out
      return Step.failed("the broker blocks publishing: " + blocked.get());
    }
    String failed = drain(completions.poll());
    if (failed != null) {
      return Step.failed(failed);
    }
    if (work == null) {
      work = dataSource.getConnection();
      work.setAutoCommit(true);
    }
    int read;
    if (inFlight.size() < options.batchSize()) {
      read = markLockAndRead();
    } else {
      read = 0;
      markSent(work, toMark);
      toMark.clear();
    }
    if (inFlight.isEmpty()) {
      markSent(work, toMark);
      toMark.clear();
      unlockLanesWithNothingInFlight();
      if (read == 0) {
        releaseConnection();
        return Step.IDLE;
      }
    } else if (System.nanoTime() - nextUnlock >= 0) {
      // why: now and then, not every step (a round trip each), so other relays get their turn
      unlockLanesWithNothingInFlight();
      nextUnlock = System.nanoTime() + UNLOCK_EVERY_NANOS;
    }
    // why: wait for a confirm (which frees a key and is to be marked) before reading again, not
    // longer than a few milliseconds, so commits made meanwhile are read soon, in one statement
    // per burst of confirms rather than one per row
    try {
      failed = drain(completions.poll(AWAIT_CONFIRM_MILLIS, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return Step.BUSY;
    }
    return failed != null ? Step.failed(failed) : Step.BUSY;
  }

  /**
   * Takes in {@code first} and every other completion that arrived: confirmed rows are to be marked
   * and their key's next row is published; a failed row stops its key (the rows queued behind it
   * stay unsent, to be read again in order).
   *
   * @return why a publish failed, or {@code null}
   */
  private String drain(Completion first) {
    String failed = null;
    for (Completion c = first; c != null; c = completions.poll()) {
      Row row = c.row();
      // why: identity, so a late confirm of a row given up on (and read again since) is ignored
      if (!inFlight.remove(row.seq(), row)) {
        continue;
      }
      leaveLane(row.lane());
      if (c.error() == null) {
        toMark.add(row.seq());
        published.incrementAndGet();
        publishedCounter.increment();
        tell(c.sent());
        Row next = nextOfKey(row.key());
        if (next != null) {
          if (failed == null) {
            send(next);
          } else {
            dropQueued(row.key(), next);
          }
        }
      } else {
        Throwable error =
            c.error() instanceof java.util.concurrent.CompletionException ce
                    && ce.getCause() != null
                ? ce.getCause()
                : c.error();
        if (failed == null) {
          failed =
              error instanceof TimeoutException
                  ? "no confirm within " + confirmWaitMillis() + " ms"
                  : "publishing failed: " + error.getMessage();
        }
        Row next = nextOfKey(row.key());
        if (next != null) {
          dropQueued(row.key(), next);
        }
      }
    }
    return failed;
  }

  /** The row queued behind a key's row that just ended, now the key's head; or {@code null}. */
  private Row nextOfKey(String key) {
    if (key == null) {
      return null;
    }
    ArrayDeque<Row> queue = waiting.get(key);
    Row next = queue == null ? null : queue.poll();
    if (next == null) {
      waiting.remove(key);
    }
    return next;
  }

  /** Gives up the rows of a key queued from {@code head} on: they stay unsent, read again later. */
  private void dropQueued(String key, Row head) {
    ArrayDeque<Row> queue = waiting.remove(key);
    List<Row> dropped = new ArrayList<>();
    dropped.add(head);
    if (queue != null) {
      dropped.addAll(queue);
    }
    for (Row r : dropped) {
      if (inFlight.remove(r.seq(), r)) {
        leaveLane(r.lane());
      }
    }
  }

  private void leaveLane(int lane) {
    perLane.computeIfPresent(lane, (l, n) -> n > 1 ? n - 1 : null);
  }

  /**
   * In one statement: marks the confirmed rows sent, takes the lanes with unsent rows that no other
   * relay holds, and reads the next unsent rows of the lanes it holds (leaving out those in flight)
   * in sequence order. Then publishes the new rows: a key's row at once when none of the key is in
   * flight, else queued behind it.
   *
   * @return how many rows were new
   */
  private int markLockAndRead() throws SQLException {
    List<Long> leaveOut = new ArrayList<>(toMark.size() + inFlight.size());
    leaveOut.addAll(toMark);
    leaveOut.addAll(inFlight.keySet());
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement s = work.prepareStatement(tables.markLockAndRead())) {
      Array marked = work.createArrayOf("bigint", toMark.toArray());
      Array mine = work.createArrayOf("int4", held.toArray());
      Array skipped = work.createArrayOf("bigint", leaveOut.toArray());
      s.setArray(1, marked);
      s.setArray(2, mine);
      s.setInt(3, tables.laneLocks);
      s.setArray(4, skipped);
      s.setInt(5, options.batchSize());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          held.add(rs.getInt("held_lane"));
          long seq = rs.getLong("seq");
          if (!rs.wasNull()) {
            rows.add(
                new Row(seq, rs.getInt("lane"), rs.getString("partition_key"), EventRows.read(rs)));
          }
        }
      }
      marked.free();
      mine.free();
      skipped.free();
    }
    toMark.clear();
    int fresh = 0;
    for (Row row : rows) {
      if (inFlight.containsKey(row.seq())) {
        continue;
      }
      inFlight.put(row.seq(), row);
      perLane.merge(row.lane(), 1, Integer::sum);
      fresh++;
      if (row.key() != null) {
        ArrayDeque<Row> queue = waiting.get(row.key());
        if (queue != null) {
          queue.add(row); // why: a key's events one at a time, each after the previous confirm
          continue;
        }
        waiting.put(row.key(), new ArrayDeque<>());
      }
      send(row);
    }
    return fresh;
  }

  /** Publishes a row; its confirm or failure arrives as a {@link Completion}. */
  private void send(Row row) {
    CompletableFuture<Event> confirm;
    try {
      confirm = warren.publish(row.event());
    } catch (RuntimeException e) {
      completions.add(new Completion(row, null, e));
      return;
    }
    // why: the client fails a publish at its own publish timeout; this bound only guards against
    // a future that never completes
    confirm
        .orTimeout(confirmWaitMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((sent, error) -> completions.add(new Completion(row, sent, error)));
  }

  private long confirmWaitMillis() {
    return warren.options().publishTimeout().plusSeconds(10).toMillis();
  }

  private void unlockLanesWithNothingInFlight() throws SQLException {
    List<Integer> idle = new ArrayList<>();
    for (Integer lane : held) {
      if (!perLane.containsKey(lane)) {
        idle.add(lane);
      }
    }
    if (!idle.isEmpty()) {
      unlock(work, idle.toArray(Integer[]::new));
      held.removeAll(idle);
    }
  }

  /**
   * After a failure or on close: gives up the queued rows, waits (at most the confirm bound) for
   * the published ones, marks those confirmed, lets go of the lanes and the connection.
   */
  private void settle() {
    for (Map.Entry<String, ArrayDeque<Row>> e : new ArrayList<>(waiting.entrySet())) {
      for (Row r : e.getValue()) {
        if (inFlight.remove(r.seq(), r)) {
          leaveLane(r.lane());
        }
      }
    }
    waiting.clear();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(confirmWaitMillis());
    while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
      try {
        Completion c = completions.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (c != null) {
          drain(c);
          // why: nothing queued remains, so drain sends nothing more; rows it would free are gone
          waiting.clear();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    inFlight.clear();
    perLane.clear();
    waiting.clear();
    try {
      if (work != null && !toMark.isEmpty()) {
        markSent(work, toMark);
      }
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "{} on {}: cannot mark {} confirmed events sent, they will be published again: {}",
          name,
          tables.outbox,
          toMark.size(),
          e.getMessage());
    }
    toMark.clear();
    try {
      if (work != null && !held.isEmpty()) {
        unlock(work, held.toArray(Integer[]::new));
      }
    } catch (SQLException | RuntimeException e) {
      log.debug(
          "{}: unlocking lanes failed (closing the connection lets go): {}", name, e.getMessage());
    }
    held.clear();
    releaseConnection();
  }

  private void releaseConnection() {
    if (work != null) {
      // why: the connection goes back to a pool, session and all: no lane lock may stay on it,
      // not even one a failed statement took without telling
      try (Statement s = work.createStatement()) {
        s.execute("SELECT pg_advisory_unlock_all()");
      } catch (SQLException e) {
        log.debug("{}: letting go of the lane locks failed: {}", name, e.getMessage());
      }
      held.clear();
      try {
        work.close();
      } catch (SQLException e) {
        // a broken connection is dropped by the pool anyway
      }
      work = null;
    }
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
