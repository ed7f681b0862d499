package dev.warren.bench.scenarios;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.RoundResult;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.Tasks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 6: task round trips on the in-memory transport and task store: submit a no-op task, wait
 * until it is {@link TaskState#SUCCESS}, submit the next, from {@value #IN_FLIGHT} virtual threads
 * at once. The baseline is the floor of any task queue in one process: the same round trips through
 * a one-thread {@link ExecutorService}.
 */
public final class TasksScenario implements Scenario {
  /** Round trips in flight: each of this many threads submits, waits, submits again. */
  static final int IN_FLIGHT = 64;

  /** The task's name. */
  static final String TASK = "bench.noop";

  /** The baseline's name in the report. */
  public static final String EXECUTOR_NAME = "ExecutorService (1 worker)";

  private static final Duration TASK_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String id() {
    return "tasks";
  }

  @Override
  public String title() {
    return "6. Tasks: submit to SUCCESS, in-memory";
  }

  @Override
  public String description() {
    return "Warren on the in-memory transport with the in-memory task store, one registered no-op"
        + " task (one worker, which runs one task at a time as registered workers do); "
        + IN_FLIGHT
        + " virtual threads each submit a task with tasks().submit (which returns once the"
        + " transport confirmed it), wait for SUCCESS with TaskHandle.await (which polls the store),"
        + " and submit the next. Throughput counts tasks seen SUCCESS. The baseline runs the same"
        + " round trips through a one-thread ExecutorService and Future.get().";
  }

  @Override
  public String latencyMeaning() {
    return "submit call to SUCCESS seen";
  }

  @Override
  public boolean needsBroker() {
    return false;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    return List.of(new WarrenTasks(), new OneWorker());
  }

  @Override
  public List<Target> targets() {
    return List.of(new Target.AtLeastPerSecond(1_000));
  }

  /** One round trip; returns normally once it completed. */
  @FunctionalInterface
  private interface RoundTrip {
    void run() throws Exception;
  }

  /**
   * Runs round trips from {@value #IN_FLIGHT} virtual threads; none starts a new trip once the
   * round's time is up. Counts every trip, over the time until the last one ended.
   */
  private static RoundResult roundTrips(RoundTrip trip, Duration length) throws Exception {
    LatencyRecorder latency = new LatencyRecorder();
    AtomicLong done = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    try (ExecutorService loops = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < IN_FLIGHT; i++) {
        loops.execute(
            () -> {
              while (System.nanoTime() < end && failure.get() == null) {
                long submitted = System.nanoTime();
                try {
                  trip.run();
                } catch (Exception e) {
                  failure.compareAndSet(null, e);
                  return;
                }
                latency.recordSince(submitted);
                done.incrementAndGet();
              }
            });
      }
    }
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      throw failure.get();
    }
    return new RoundResult(done.get(), elapsed, latency.histogram());
  }

  /** Warren's task queue, through the public API. */
  private static final class WarrenTasks implements Contender {
    private Warren warren;
    private Tasks tasks;

    @Override
    public String name() {
      return "Warren tasks (in-memory)";
    }

    @Override
    public void open() {
      // why: the in-memory store whatever WARREN_STORE_URL says where this runs, so the round
      // trip measures the task queue rather than a database
      warren =
          Warren.create(
              WarrenOptions.builder()
                  .transport(WarrenOptions.TransportKind.MEMORY)
                  .storeUrl("memory:")
                  .source("/warren-bench")
                  .build());
      tasks = warren.tasks();
      tasks.register(TASK, ctx -> null);
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      return roundTrips(
          () -> {
            TaskStatus s = tasks.submit(TASK, null).await(TASK_TIMEOUT);
            if (s.state() != TaskState.SUCCESS) {
              throw new IllegalStateException("task " + s.id() + " ended " + s.state());
            }
          },
          length);
    }

    @Override
    public void close() {
      if (warren != null) {
        warren.close();
      }
    }
  }

  /** The floor: the same round trips through one worker thread. */
  private static final class OneWorker implements Contender {
    private ExecutorService worker;

    @Override
    public String name() {
      return EXECUTOR_NAME;
    }

    @Override
    public void open() {
      worker = Executors.newSingleThreadExecutor();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      Callable<Object> noop = () -> null;
      return roundTrips(
          () -> worker.submit(noop).get(TASK_TIMEOUT.toSeconds(), TimeUnit.SECONDS), length);
    }

    @Override
    public void close() {
      if (worker != null) {
        worker.shutdownNow();
      }
    }
  }
}
