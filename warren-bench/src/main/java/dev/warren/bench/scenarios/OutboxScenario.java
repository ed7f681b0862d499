package dev.warren.bench.scenarios;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.QueueDefinition;
import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.Payload;
import dev.warren.bench.RoundResult;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.bench.clients.BenchBroker;
import dev.warren.outbox.Inbox;
import dev.warren.outbox.Outbox;
import dev.warren.outbox.OutboxOptions;
import dev.warren.outbox.OutboxRelay;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The transactional outbox against publishing after the commit ({@code outbox}), and what the inbox
 * costs a handler ({@code inbox-cost}), on the local PostgreSQL ({@code WARREN_BENCH_POSTGRES_URL},
 * default {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}) in a schema of the run's
 * own, dropped afterwards.
 *
 * <p>{@code outbox}: {@value #WRITERS} threads each commit transactions of one application row and
 * one event ({@value #KEYS} partition keys). Through the outbox the event is written in the
 * transaction and a relay publishes it; directly, it is published with {@code Warren.publish} once
 * the transaction committed, which is what the outbox replaces. Both count events the broker
 * confirmed; a latency sample is commit to confirm.
 *
 * <p>{@code inbox-cost}: the same threads run a handler's transaction (one side-effect row) for new
 * events, with and without {@code Inbox.handleOnce}; the cost per handled event is the difference.
 */
public final class OutboxScenario implements Scenario {
  static final int WRITERS = 4;
  static final int KEYS = 1024;

  /** The outbox contender. */
  public static final String OUTBOX = "Warren outbox (relay)";

  /** The outbox without NOTIFY, its relay polling. */
  public static final String OUTBOX_POLLING = "Warren outbox (relay polling 50 ms)";

  /** Publishing after the commit. */
  public static final String DIRECT = "publish after commit";

  /** The handler with the inbox. */
  public static final String WITH_INBOX = "handler with inbox";

  /** The handler alone. */
  public static final String WITHOUT_INBOX = "handler without inbox";

  private static final String QUEUE = "bench.outbox";
  private static final String TYPE = "bench.outbox.placed";

  private final boolean inbox;

  /**
   * @param inbox the inbox's cost instead of the outbox against direct publishing
   */
  public OutboxScenario(boolean inbox) {
    this.inbox = inbox;
  }

  @Override
  public String id() {
    return inbox ? "inbox-cost" : "outbox";
  }

  @Override
  public String title() {
    return inbox
        ? "Inbox cost: a handler's transaction with and without Inbox.handleOnce"
        : "Outbox: commit, then relay with confirms, against publish after commit";
  }

  @Override
  public String description() {
    return inbox
        ? WRITERS
            + " threads each run a handler's transaction writing one side-effect row to"
            + " PostgreSQL, for a new event each time, with Inbox.handleOnce (which first records"
            + " (subscription, event id)) and without; a latency sample is one transaction."
        : WRITERS
            + " threads each commit transactions of one application row and one event ("
            + KEYS
            + " partition keys) to PostgreSQL. Through the outbox the event is written in the"
            + " transaction and one relay publishes it with confirms, woken by NOTIFY at each"
            + " commit (or, the third contender, without NOTIFY, polling every 50 ms); the"
            + " baseline publishes it with Warren.publish after the commit (at most the confirm"
            + " window unconfirmed)."
            + " Throughput counts confirmed events; a latency sample is commit to confirm.";
  }

  @Override
  public String latencyMeaning() {
    return inbox ? "handler transaction" : "commit to confirm";
  }

  @Override
  public boolean needsBroker() {
    return !inbox;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    if (inbox) {
      return List.of(new Handler(true), new Handler(false));
    }
    BenchBroker broker = context.requireBroker();
    byte[] payload = Payload.template(context.config().payloadBytes());
    int window = context.config().window();
    return List.of(
        new Publishing(Mode.OUTBOX, broker, payload, window),
        new Publishing(Mode.DIRECT, broker, payload, window),
        new Publishing(Mode.OUTBOX_POLLING, broker, payload, window));
  }

  @Override
  public List<Target> targets() {
    return inbox
        ? List.of(new Target.CostAtMost(WITHOUT_INBOX, 50))
        : List.of(new Target.ThroughputVs(DIRECT, 0.5));
  }

  /** A schema of the run's own on the benchmark's PostgreSQL, with the application's tables. */
  private static final class Database implements AutoCloseable {
    final String schema;
    final HikariDataSource pool;

    /**
     * @param contender a tag of the contender's own: every contender is opened before the first
     *     round, so each needs its own schema
     */
    Database(String contender) throws SQLException {
      schema = "warren_bench_" + ProcessHandle.current().pid() + "_" + contender;
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(
          System.getenv()
              .getOrDefault(
                  "WARREN_BENCH_POSTGRES_URL",
                  "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"));
      config.setPoolName("warren-bench-outbox");
      config.setMaximumPoolSize(WRITERS + 4);
      pool = new HikariDataSource(config);
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        s.execute("CREATE SCHEMA " + schema);
        s.execute("CREATE TABLE " + schema + ".orders (id TEXT NOT NULL, body BYTEA NOT NULL)");
        s.execute(
            "CREATE TABLE " + schema + ".side_effect (event_id TEXT NOT NULL, n INT NOT NULL)");
      }
    }

    @Override
    public void close() {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        System.err.println("warren-bench: could not drop schema " + schema + ": " + e);
      }
      pool.close();
    }
  }

  /** A unit of work one writer thread repeats; returns when its transaction committed. */
  @FunctionalInterface
  private interface Work {
    void run(Connection c, long n) throws Exception;
  }

  /**
   * Runs {@code work} from {@value #WRITERS} threads, each on its own connection, until the end.
   */
  private static long repeat(HikariDataSource pool, long endNanos, Work work) throws Exception {
    AtomicLong done = new AtomicLong();
    try (ExecutorService writers = Executors.newFixedThreadPool(WRITERS)) {
      List<Future<Object>> loops =
          java.util.stream.IntStream.range(0, WRITERS)
              .mapToObj(
                  w ->
                      writers.submit(
                          () -> {
                            try (Connection c = pool.getConnection()) {
                              c.setAutoCommit(false);
                              while (System.nanoTime() < endNanos) {
                                work.run(c, done.incrementAndGet());
                              }
                              c.setAutoCommit(true);
                            }
                            return null;
                          }))
              .toList();
      for (Future<Object> loop : loops) {
        loop.get();
      }
    }
    return done.get();
  }

  /** How the event leaves: through the outbox (woken by NOTIFY, or polling), or after commit. */
  private enum Mode {
    OUTBOX,
    DIRECT,
    OUTBOX_POLLING
  }

  /** Commits the application's row and publishes its event, through the outbox or after it. */
  private static final class Publishing implements Contender {
    private final Mode mode;
    private final boolean outbox;
    private final BenchBroker broker;
    private final byte[] payload;
    private final int window;
    private final Map<String, Long> committedAt = new ConcurrentHashMap<>();
    private final LatencyRecorder latency = new LatencyRecorder();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Database db;
    private Warren warren;
    private Outbox box;
    private OutboxRelay relay;
    private java.util.concurrent.Semaphore unconfirmed;

    Publishing(Mode mode, BenchBroker broker, byte[] payload, int window) {
      this.mode = mode;
      this.outbox = mode != Mode.DIRECT;
      this.broker = broker;
      this.payload = payload;
      this.window = window;
    }

    @Override
    public String name() {
      return switch (mode) {
        case OUTBOX -> OUTBOX;
        case DIRECT -> DIRECT;
        case OUTBOX_POLLING -> OUTBOX_POLLING;
      };
    }

    @Override
    public void open() throws Exception {
      db = new Database(mode.name().toLowerCase(java.util.Locale.ROOT));
      warren =
          Warren.create(
              WarrenOptions.builder()
                  .transport(WarrenOptions.TransportKind.RABBITMQ)
                  .rabbitmqUri(broker.uri())
                  .confirmWindow(window)
                  .lineage(false)
                  .source("/warren-bench")
                  .build());
      warren.admin().declareQueue(QueueDefinition.durable(QUEUE).binding(TYPE).build());
      unconfirmed = new java.util.concurrent.Semaphore(window);
      if (outbox) {
        box =
            Outbox.create(
                db.pool,
                OutboxOptions.builder()
                    .schema(db.schema)
                    .retention(Duration.ZERO)
                    .notifyOnCommit(mode == Mode.OUTBOX)
                    .pollInterval(Duration.ofMillis(mode == Mode.OUTBOX ? 1000 : 50))
                    .build());
        relay =
            box.startRelay(
                warren,
                event -> {
                  Long at = committedAt.remove(event.id());
                  if (at != null) {
                    latency.recordSince(at);
                  }
                  confirmed.incrementAndGet();
                });
      }
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      latency.histogram();
      confirmed.set(0);
      String insert = "INSERT INTO " + db.schema + ".orders (id, body) VALUES (?, ?)";
      long start = System.nanoTime();
      long end = start + length.toNanos();
      long committed =
          repeat(
              db.pool,
              end,
              (c, n) -> {
                Event event =
                    Event.builder(TYPE)
                        .data(payload, Event.JSON)
                        .partitionKey("key-" + (n % KEYS))
                        .build();
                try (PreparedStatement order = c.prepareStatement(insert)) {
                  order.setString(1, event.id());
                  order.setBytes(2, payload);
                  order.executeUpdate();
                }
                if (outbox) {
                  box.publish(c, event);
                  c.commit();
                  committedAt.put(event.id(), System.nanoTime());
                  return;
                }
                c.commit();
                long at = System.nanoTime();
                unconfirmed.acquire();
                warren
                    .publish(event)
                    .whenComplete(
                        (e, error) -> {
                          unconfirmed.release();
                          if (error != null) {
                            failure.compareAndSet(null, error);
                          } else {
                            latency.recordSince(at);
                            confirmed.incrementAndGet();
                          }
                        });
              });
      // why: the round ends when everything committed in it is confirmed
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (confirmed.get() < committed) {
        if (failure.get() != null) {
          throw new IllegalStateException(name() + " failed: " + failure.get(), failure.get());
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              name() + ": " + (committed - confirmed.get()) + " of " + committed + " unconfirmed");
        }
        Thread.sleep(1);
      }
      long elapsed = System.nanoTime() - start;
      broker.purge(QUEUE);
      return new RoundResult(confirmed.get(), elapsed, latency.histogram());
    }

    @Override
    public void close() {
      if (relay != null) {
        relay.close();
      }
      if (box != null) {
        box.close();
      }
      if (warren != null) {
        warren.close();
      }
      if (db != null) {
        db.close();
      }
    }
  }

  /** A handler's transaction, with or without the inbox. */
  private static final class Handler implements Contender {
    private final boolean withInbox;
    private final LatencyRecorder latency = new LatencyRecorder();
    private Database db;
    private Outbox box;
    private Inbox inbox;

    Handler(boolean withInbox) {
      this.withInbox = withInbox;
    }

    @Override
    public String name() {
      return withInbox ? WITH_INBOX : WITHOUT_INBOX;
    }

    @Override
    public void open() throws Exception {
      db = new Database(withInbox ? "inbox" : "noinbox");
      box =
          Outbox.create(
              db.pool, OutboxOptions.builder().schema(db.schema).notifyOnCommit(false).build());
      inbox = box.inbox();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      latency.histogram();
      String insert = "INSERT INTO " + db.schema + ".side_effect (event_id, n) VALUES (?, ?)";
      long start = System.nanoTime();
      long handled =
          repeat(
              db.pool,
              start + length.toNanos(),
              (c, n) -> {
                long began = System.nanoTime();
                Event event = Event.builder(TYPE).jsonData("{}").build();
                if (withInbox) {
                  inbox.handleOnce(c, "bench", event, tx -> sideEffect(tx, insert, event, n));
                } else {
                  sideEffect(c, insert, event, n);
                }
                c.commit();
                latency.recordSince(began);
              });
      return new RoundResult(handled, System.nanoTime() - start, latency.histogram());
    }

    private static void sideEffect(Connection c, String insert, Event event, long n)
        throws SQLException {
      try (PreparedStatement s = c.prepareStatement(insert)) {
        s.setString(1, event.id());
        s.setInt(2, (int) n);
        s.executeUpdate();
      }
    }

    @Override
    public void close() {
      if (box != null) {
        box.close();
      }
      if (db != null) {
        db.close();
      }
    }
  }
}
