package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskHandler;
import dev.warren.tasks.TaskLimitUsage;
import dev.warren.tasks.TaskLimits;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenOnTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Task limits hold across workers: four Warren instances, each on a connection and a store client
 * of its own (as four processes would be), run the tasks of one queue while the limits declared
 * through one of them are counted in the shared task store. The handlers record what ran when, and
 * the tests count: the most running at once, per name and per key, and the most starts in any
 * window. Subclass it once per transport and store.
 */
@Timeout(value = 180, unit = SECONDS)
public abstract class TaskLimitsContractTest {
  private static final int WORKERS = 4;

  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** A name unique to this test. */
  protected String prefix;

  /** This test's task queue. */
  protected String queue;

  /**
   * @return options pointing at the broker and the store under test
   */
  protected abstract WarrenOptions.Builder baseOptions();

  /**
   * @param options the options
   * @return a new connection to the broker under test
   */
  protected abstract Transport connect(WarrenOptions options);

  @BeforeEach
  void newPrefix() {
    prefix = "l" + UUID.randomUUID().toString().substring(0, 8);
    queue = prefix + ".tasks";
  }

  @AfterEach
  void closeAll() {
    List<AutoCloseable> all = new ArrayList<>(open);
    Collections.reverse(all);
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    open.clear();
  }

  private Warren newWarren() {
    WarrenOptions options =
        baseOptions()
            .exchange(prefix + ".events")
            .instanceId("w" + UUID.randomUUID().toString().substring(0, 6))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    Warren w = WarrenOnTransport.start(options, connect(options));
    open.add(w);
    return w;
  }

  private List<Warren> workers(String name, TaskHandler handler) {
    List<Warren> ws = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      Warren w = newWarren();
      w.tasks().register(name, queue, handler);
      ws.add(w);
    }
    return ws;
  }

  private static void awaitAll(Warren client, List<TaskHandle<Object>> handles) {
    await()
        .atMost(120, SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> handles.stream().allMatch(h -> client.tasks().task(h.id()).status().isFinal()));
    for (TaskHandle<Object> h : handles) {
      assertThat(client.tasks().task(h.id()).status().state()).isEqualTo(TaskState.SUCCESS);
    }
  }

  private static TaskLimitUsage usage(Warren w, String name) {
    return w.admin().taskLimits().stream()
        .filter(u -> u.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Runs for a while, so tasks overlap when nothing stops them. */
  private static void work() {
    try {
      Thread.sleep(60);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aConcurrencyLimitHoldsAcrossFourWorkers() {
    Warren client = newWarren();
    String name = prefix + ".conc";
    client.tasks().limit(name, TaskLimits.none().concurrency(2));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    workers(
        name,
        ctx -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            work();
          } finally {
            running.decrementAndGet();
          }
          return null;
        });
    List<TaskHandle<Object>> handles = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      handles.add(client.tasks().submit(name, i, TaskOptions.builder().queue(queue).build()));
    }

    awaitAll(client, handles);
    assertThat(most.get()).as("most running at once").isEqualTo(2);
    // why: a worker gives its permit back just after it stored the outcome
    await().atMost(10, SECONDS).until(() -> usage(client, name).running() == 0);
    TaskLimitUsage u = usage(client, name);
    assertThat(u.limits().concurrency()).isEqualTo(2);
    assertThat(u.deferred()).as("tasks sent to wait").isPositive();
  }

  @Test
  void aPerKeyLimitIsAMutexPerKeyAcrossFourWorkers() {
    Warren client = newWarren();
    String name = prefix + ".report";
    client.tasks().limit(name, TaskLimits.none().perKeyConcurrency(1));
    Map<String, AtomicInteger> runningByKey = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> mostByKey = new ConcurrentHashMap<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    workers(
        name,
        ctx -> {
          @SuppressWarnings("unchecked")
          String key = (String) ctx.args(Map.class).get("customer");
          AtomicInteger r = runningByKey.computeIfAbsent(key, k -> new AtomicInteger());
          mostByKey
              .computeIfAbsent(key, k -> new AtomicInteger())
              .accumulateAndGet(r.incrementAndGet(), Math::max);
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            work();
          } finally {
            r.decrementAndGet();
            running.decrementAndGet();
          }
          return null;
        });
    List<TaskHandle<Object>> handles = new ArrayList<>();
    for (int i = 0; i < 18; i++) {
      String customer = "customer-" + (i % 3);
      handles.add(
          client
              .tasks()
              .submit(
                  name,
                  Map.of("customer", customer),
                  TaskOptions.builder().queue(queue).limitKey(customer).build()));
    }

    awaitAll(client, handles);
    assertThat(mostByKey).hasSize(3);
    assertThat(mostByKey.values()).allSatisfy(m -> assertThat(m.get()).isEqualTo(1));
    assertThat(most.get()).as("different customers run side by side").isGreaterThan(1);
    await().atMost(10, SECONDS).until(() -> usage(client, name).running() == 0);
    TaskLimitUsage u = usage(client, name);
    assertThat(u.runningByKey()).isEmpty();
    assertThat(u.deferred()).isPositive();
  }

  @Test
  void aRateLimitHoldsAcrossFourWorkers() {
    Warren client = newWarren();
    String name = prefix + ".rate";
    int rate = 10;
    client.tasks().limit(name, TaskLimits.parse(rate + "/s"));
    List<Long> starts = new CopyOnWriteArrayList<>();
    workers(
        name,
        ctx -> {
          starts.add(System.nanoTime());
          return null;
        });
    List<TaskHandle<Object>> handles = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      handles.add(client.tasks().submit(name, i, TaskOptions.builder().queue(queue).build()));
    }

    awaitAll(client, handles);
    assertThat(starts).hasSize(40);
    // why: the store counts a start when it grants the permit; the worker reads its clock for the
    // STARTED transition right after the grant comes back (before any other I/O). A start is thus
    // recorded later than granted by a lag: a commit, a reply, and on a loaded 2-core machine a
    // stall of the whole JVM (up to ~350 ms seen with PostgreSQL while 7 builds ran). So the
    // STARTED times are counted over windows 500 ms shorter than the limit's second: a stall
    // shorter than that cannot push 11 grants of two different seconds into one window. Without
    // the limit, all 40 start within ~200 ms.
    List<Long> sorted = new ArrayList<>();
    for (TaskHandle<Object> h : handles) {
      sorted.add(
          client.tasks().task(h.id()).status().history().stream()
              .filter(t -> t.state() == TaskState.STARTED)
              .findFirst()
              .orElseThrow()
              .at()
              .toEpochMilli());
    }
    Collections.sort(sorted);
    long window = 500;
    int most = 0;
    for (int i = 0, j = 0; i < sorted.size(); i++) {
      while (sorted.get(i) - sorted.get(j) >= window) {
        j++;
      }
      most = Math.max(most, i - j + 1);
    }
    long first = sorted.get(0);
    assertThat(most)
        .as(
            "most starts within any %d ms; started at ms %s",
            window, sorted.stream().map(t -> t - first).toList())
        .isLessThanOrEqualTo(rate);
    assertThat(sorted.get(sorted.size() - 1) - first)
        .as("at most 10 grants per second: 40 span 3 s, less the lag of the first")
        .isGreaterThanOrEqualTo(3000 - window);
    TaskLimitUsage u = usage(client, name);
    assertThat(u.limits().rateText()).isEqualTo("10/1s");
    assertThat(u.deferred()).as("tasks sent to wait").isPositive();
  }

  @Test
  void limitsAreSharedAndCanBeRemoved() {
    Warren a = newWarren();
    Warren b = newWarren();
    String name = prefix + ".shared";
    a.tasks().limit(name, TaskLimits.parse("5/m").concurrency(3).perKeyConcurrency(1));

    assertThat(b.tasks().limits())
        .containsEntry(name, new TaskLimits(5, Duration.ofMinutes(1), 3, 1));
    b.tasks().limit(name, TaskLimits.none());
    assertThat(a.tasks().limits()).doesNotContainKey(name);
    assertThatThrownBy(() -> a.tasks().limit(name, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("TaskLimits.none()");
    assertThatThrownBy(() -> TaskLimits.parse("100/fortnight"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'100/fortnight'");
  }
}
