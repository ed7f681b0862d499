package dev.warren.bench.scenarios;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.RoundResult;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.bench.clients.BenchBroker;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.Tasks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Tasks on RabbitMQ with a durable store, enqueue to done: Warren's task queue on the memory, Redis
 * or PostgreSQL store and, on PostgreSQL, JobRunr and db-scheduler on the same server (each in a
 * database of its own), all driven alike: {@value #IN_FLIGHT} no-op jobs in flight, a new one
 * enqueued from one of {@value #PRODUCERS} threads as soon as one is done.
 *
 * <p>"Done" is what each offers its users: for Warren the task's future (completed by its terminal
 * event, after the SUCCESS is stored); for JobRunr and db-scheduler the moment the job's body runs,
 * before they record its end, which favours them.
 */
public final class TaskStoresScenario implements Scenario {
  /** The stores measured, one scenario each. */
  public enum Store {
    /** This process's memory. */
    MEMORY,
    /** The local Redis. */
    REDIS,
    /** The local PostgreSQL. */
    POSTGRES
  }

  /** Jobs in flight, the same for every contender. */
  static final int IN_FLIGHT = 256;

  /** Threads that enqueue (JobRunr's and db-scheduler's enqueue is a blocking insert). */
  static final int PRODUCERS = 8;

  /** Warren instances working on the task queue (the first also submits). */
  static final int WARREN_WORKERS = 2;

  /** JobRunr's name in the report. */
  public static final String JOBRUNR = "JobRunr (PostgreSQL)";

  /** db-scheduler's name in the report. */
  public static final String DB_SCHEDULER = "db-scheduler (PostgreSQL)";

  private static final String TASK = "bench.noop";
  private static final Pattern DATABASE = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(.*)");

  private final Store store;

  /**
   * @param store the store measured
   */
  public TaskStoresScenario(Store store) {
    this.store = store;
  }

  private String storeName() {
    return store.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String id() {
    return "tasks-" + storeName();
  }

  @Override
  public String title() {
    return "6"
        + (char) ('b' + store.ordinal())
        + ". Tasks on RabbitMQ: enqueue to done, "
        + storeName()
        + " store";
  }

  @Override
  public String description() {
    return "Warren on RabbitMQ with the "
        + storeName()
        + " task store, "
        + WARREN_WORKERS
        + " instances in this process working on one task queue with the default options (task"
        + " concurrency 8 and prefetch 32 each, quorum task queue, task events off), the first"
        + " also submitting with tasks().submitAsync and following each task's future (done ="
        + " SUCCESS stored and its outcome received). "
        + IN_FLIGHT
        + " no-op tasks in flight, a new one enqueued from one of "
        + PRODUCERS
        + " threads as soon as one is done."
        + (store == Store.POSTGRES
            ? " Beside it, on the same PostgreSQL and each in a database of its own: JobRunr "
                + "(PostgresStorageProvider, background job server with its default workers and "
                + "the shortest poll interval it accepts) and db-scheduler (lock-and-fetch "
                + "polling as its README recommends for PostgreSQL, immediate execution on, 16 "
                + "threads); for them done = the job's body ran, before they record its end."
            : "");
  }

  @Override
  public String latencyMeaning() {
    return "enqueue to done";
  }

  @Override
  public boolean needsBroker() {
    return true;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    BenchBroker broker = context.requireBroker();
    List<Contender> all = new ArrayList<>();
    all.add(new WarrenTasks(store, broker));
    if (store == Store.POSTGRES) {
      all.add(new JobRunrJobs());
      all.add(new DbSchedulerJobs());
    }
    return all;
  }

  @Override
  public List<Target> targets() {
    return switch (store) {
      case MEMORY -> List.of(new Target.AtLeastPerSecond(5_000));
      case REDIS -> List.of(new Target.AtLeastPerSecond(3_000));
      case POSTGRES ->
          List.of(
              new Target.AtLeastPerSecond(2_000),
              new Target.ThroughputVs(JOBRUNR, 1.0),
              new Target.ThroughputVs(DB_SCHEDULER, 1.0),
              new Target.P99Vs(JOBRUNR, 1.0),
              new Target.P99Vs(DB_SCHEDULER, 1.0));
    };
  }

  /** Starts one job; calls {@code done} when it is done, or {@code failed}. */
  @FunctionalInterface
  private interface Job {
    void start(String key, Runnable done, java.util.function.Consumer<Throwable> failed)
        throws Exception;
  }

  /**
   * Keeps {@value #IN_FLIGHT} jobs in flight for {@code length}, then waits for the last; counts
   * every job, over the time until the last one was done.
   */
  private static RoundResult drive(String what, Job job, Duration length) throws Exception {
    InFlight window = new InFlight(IN_FLIGHT);
    LatencyRecorder latency = new LatencyRecorder();
    AtomicLong done = new AtomicLong();
    AtomicLong keys = new AtomicLong();
    String run = Long.toString(System.nanoTime(), 36);
    long start = System.nanoTime();
    long end = start + length.toNanos();
    try (ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS)) {
      List<Future<Object>> loops = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        loops.add(
            producers.submit(
                () -> {
                  while (window.acquireBefore(end)) {
                    long enqueued = System.nanoTime();
                    String key = run + "-" + keys.incrementAndGet();
                    try {
                      job.start(
                          key,
                          () -> {
                            latency.recordSince(enqueued);
                            done.incrementAndGet();
                            window.release();
                          },
                          window::fail);
                    } catch (Exception e) {
                      window.fail(e);
                    }
                  }
                  return null;
                }));
      }
      for (Future<Object> loop : loops) {
        loop.get();
      }
    }
    window.drain(what);
    return new RoundResult(done.get(), System.nanoTime() - start, latency.histogram());
  }

  /** The bench's PostgreSQL: {@code WARREN_BENCH_POSTGRES_URL}, by default the local one. */
  private static String postgresUrl() {
    return System.getenv()
        .getOrDefault(
            "WARREN_BENCH_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
  }

  /** A database of the run's own on the bench's PostgreSQL, dropped on close. */
  private static final class Database implements AutoCloseable {
    final String name;
    final String url;

    Database(String tag) throws SQLException {
      name = "warren_bench_" + ProcessHandle.current().pid() + "_" + tag;
      Matcher m = DATABASE.matcher(postgresUrl());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "WARREN_BENCH_POSTGRES_URL '"
                + postgresUrl()
                + "' is no jdbc:postgresql://host/db URL");
      }
      url = m.group(1) + name + m.group(3);
      try (Connection c = DriverManager.getConnection(postgresUrl());
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        s.execute("CREATE DATABASE " + name);
      }
    }

    HikariDataSource pool(String poolName, int size) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setPoolName(poolName);
      config.setMaximumPoolSize(size);
      return new HikariDataSource(config);
    }

    @Override
    public void close() {
      try (Connection c = DriverManager.getConnection(postgresUrl());
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (SQLException e) {
        System.err.println("warren-bench: could not drop database " + name + ": " + e);
      }
    }
  }

  /** Warren's task queue on RabbitMQ, through the public API. */
  private static final class WarrenTasks implements Contender {
    private final Store store;
    private final BenchBroker broker;
    private final String queue;
    private final List<Warren> instances = new ArrayList<>();
    private Database db;
    private String redisPrefix;
    private Tasks tasks;
    private TaskOptions options;

    WarrenTasks(Store store, BenchBroker broker) {
      this.store = store;
      this.broker = broker;
      this.queue = "bench.tasks." + store.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
      return "Warren tasks (" + store.name().toLowerCase(Locale.ROOT) + " store)";
    }

    @Override
    public void open() throws Exception {
      String storeUrl =
          switch (store) {
            case MEMORY -> "memory:";
            case REDIS -> {
              redisPrefix = "warren-bench-" + ProcessHandle.current().pid() + ":";
              yield System.getenv().getOrDefault("WARREN_BENCH_REDIS_URL", "redis://127.0.0.1:6379")
                  + "?prefix="
                  + redisPrefix;
            }
            case POSTGRES -> {
              db = new Database("warren");
              yield db.url;
            }
          };
      for (int i = 0; i < WARREN_WORKERS; i++) {
        Warren w =
            Warren.create(
                WarrenOptions.builder()
                    .transport(WarrenOptions.TransportKind.RABBITMQ)
                    .rabbitmqUri(broker.uri())
                    .storeUrl(storeUrl)
                    .source("/warren-bench")
                    .build());
        instances.add(w);
        w.tasks().register(TASK, queue, ctx -> null);
      }
      tasks = instances.get(0).tasks();
      options = TaskOptions.builder().queue(queue).build();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      return drive(
          name(),
          (key, done, failed) ->
              tasks
                  .submitAsync(TASK, null, options)
                  .thenCompose(h -> h.future())
                  .whenComplete(
                      (ok, e) -> {
                        if (e != null) {
                          failed.accept(e);
                        } else {
                          done.run();
                        }
                      }),
          length);
    }

    @Override
    public void close() {
      for (Warren w : instances) {
        try {
          w.close();
        } catch (RuntimeException e) {
          System.err.println("warren-bench: closing Warren: " + e);
        }
      }
      if (db != null) {
        db.close();
      }
      if (redisPrefix != null) {
        deleteRedisKeys(redisPrefix);
      }
    }
  }

  private static void deleteRedisKeys(String prefix) {
    try (JedisPooled redis =
        new JedisPooled(
            java.net.URI.create(
                System.getenv()
                    .getOrDefault("WARREN_BENCH_REDIS_URL", "redis://127.0.0.1:6379")))) {
      String cursor = ScanParams.SCAN_POINTER_START;
      ScanParams match = new ScanParams().match(prefix + "*").count(1000);
      do {
        ScanResult<String> page = redis.scan(cursor, match);
        if (!page.getResult().isEmpty()) {
          redis.del(page.getResult().toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    } catch (RuntimeException e) {
      System.err.println("warren-bench: could not delete Redis keys " + prefix + "*: " + e);
    }
  }

  /** JobRunr (OSS) on PostgreSQL, its background job server in this process. */
  private static final class JobRunrJobs implements Contender {
    private Database db;
    private HikariDataSource pool;
    private JobScheduler scheduler;

    @Override
    public String name() {
      return JOBRUNR;
    }

    @Override
    public void open() throws Exception {
      db = new Database("jobrunr");
      pool = db.pool("warren-bench-jobrunr", 20);
      // why: the documented set-up (storage provider, Jackson, a background job server with its
      // default worker count) with the shortest poll interval JobRunr accepts, as a job enqueued
      // while its workers are idle waits for the next poll
      scheduler =
          JobRunr.configure()
              .useJsonMapper(new JacksonJsonMapper())
              .useStorageProvider(new PostgresStorageProvider(pool))
              .useBackgroundJobServer(
                  BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                      .andPollInterval(Duration.ofSeconds(5)))
              .initialize()
              .getJobScheduler();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      try {
        return drive(
            name(),
            (key, done, failed) -> {
              BenchJobs.expect(key, done);
              scheduler.enqueue(() -> BenchJobs.done(key));
            },
            length);
      } finally {
        BenchJobs.clear();
      }
    }

    @Override
    public void close() {
      try {
        JobRunr.destroy();
      } catch (RuntimeException e) {
        System.err.println("warren-bench: stopping JobRunr: " + e);
      }
      if (pool != null) {
        pool.close();
      }
      if (db != null) {
        db.close();
      }
    }
  }

  /** db-scheduler on PostgreSQL, in this process. */
  private static final class DbSchedulerJobs implements Contender {
    private static final String DDL =
        "CREATE TABLE scheduled_tasks ("
            + " task_name text NOT NULL, task_instance text NOT NULL, task_data bytea,"
            + " execution_time timestamp with time zone, picked boolean NOT NULL,"
            + " picked_by text, last_success timestamp with time zone,"
            + " last_failure timestamp with time zone, consecutive_failures int,"
            + " last_heartbeat timestamp with time zone, version bigint NOT NULL,"
            + " priority smallint, state text, PRIMARY KEY (task_name, task_instance));"
            + " CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);"
            + " CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);"
            + " CREATE INDEX priority_execution_time_idx"
            + " ON scheduled_tasks (priority DESC, execution_time ASC)";
    private static final int THREADS = 16;

    private Database db;
    private HikariDataSource pool;
    private Scheduler scheduler;
    private OneTimeTask<Void> task;

    @Override
    public String name() {
      return DB_SCHEDULER;
    }

    @Override
    public void open() throws Exception {
      db = new Database("dbscheduler");
      pool = db.pool("warren-bench-db-scheduler", THREADS + PRODUCERS + 2);
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute(DDL);
      }
      task =
          com.github.kagkarlsson.scheduler.task.helper.Tasks.oneTime("bench-noop")
              .execute((instance, context) -> BenchJobs.done(instance.getId()));
      // why: the README's advice for throughput on PostgreSQL: lock-and-fetch polling (select for
      // update skip locked) with its suggested limits, more threads, and immediate execution so a
      // job scheduled for now does not wait for the next poll
      scheduler =
          Scheduler.create(pool, task)
              .threads(THREADS)
              .pollUsingLockAndFetch(0.5, 1.0)
              .pollingInterval(Duration.ofSeconds(1))
              .enableImmediateExecution()
              .build();
      scheduler.start();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      try {
        return drive(
            name(),
            (key, done, failed) -> {
              BenchJobs.expect(key, done);
              scheduler.schedule(task.instance(key), Instant.now());
            },
            length);
      } finally {
        BenchJobs.clear();
      }
    }

    @Override
    public void close() {
      if (scheduler != null) {
        scheduler.stop();
      }
      if (pool != null) {
        pool.close();
      }
      if (db != null) {
        db.close();
      }
    }
  }
}
