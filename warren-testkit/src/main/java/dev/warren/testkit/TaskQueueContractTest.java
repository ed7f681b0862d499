package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenClosedException;
import dev.warren.WarrenOptions;
import dev.warren.tasks.TaskFailedException;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskNotRegisteredException;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskTimeoutException;
import dev.warren.tasks.TaskTransition;
import dev.warren.tasks.Tasks;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenOnTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The task queue's behaviour on a transport and a store, through the public {@link Warren} and
 * {@link Tasks} API: success with progress, retries, countdown, revokes, time limits, the {@code
 * task.<name>.*} events, typed tasks, and handles' futures completed by the terminal events. Each
 * test uses a task queue and an exchange of its own. Subclass it once per transport and store: the
 * subclass's {@link #baseOptions()} names the broker and the store ({@link
 * WarrenOptions.Builder#storeUrl}; memory by default).
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class TaskQueueContractTest {
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** A name unique to this test. */
  protected String prefix;

  /** This test's task queue. */
  protected String queue;

  /**
   * The options every instance of a test starts from: the broker and the store under test (for
   * example {@code .storeUrl("jdbc:postgresql://…")}). The test then sets its own exchange,
   * instance id and shutdown timeout.
   *
   * @return options pointing at the broker and the store under test
   */
  protected abstract WarrenOptions.Builder baseOptions();

  /**
   * @param options the options
   * @return a new connection to the broker under test, like another process would open
   */
  protected abstract Transport connect(WarrenOptions options);

  @BeforeEach
  void newPrefix() {
    prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
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

  /**
   * @return a new instance (a worker or a client) on a connection of its own
   */
  protected Warren newWarren() {
    return newWarren(prefix + ".events");
  }

  /**
   * @param exchange the exchange its events go to
   * @return a new instance on a connection of its own, publishing to that exchange
   */
  protected Warren newWarren(String exchange) {
    return newWarren(exchange, baseOptions().build().taskConcurrency());
  }

  /**
   * @param exchange the exchange its events go to
   * @param taskConcurrency how many tasks it runs at once (and its prefetch on a task queue)
   * @return a new instance on a connection of its own, publishing to that exchange
   */
  protected Warren newWarren(String exchange, int taskConcurrency) {
    return newWarren(exchange, taskConcurrency, 4 * taskConcurrency);
  }

  /**
   * @param exchange the exchange its events go to
   * @param taskConcurrency how many tasks it runs at once
   * @param taskPrefetch how many it holds at once, running or next in line
   * @return a new instance on a connection of its own, publishing to that exchange
   */
  protected Warren newWarren(String exchange, int taskConcurrency, int taskPrefetch) {
    WarrenOptions options =
        baseOptions()
            .exchange(exchange)
            .taskConcurrency(taskConcurrency)
            .taskPrefetch(taskPrefetch)
            // why: most tests here follow the task.<name>.<kind> events; one checks they are off
            // by default
            .taskEvents(true)
            .instanceId("w" + UUID.randomUUID().toString().substring(0, 6))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    Warren w = WarrenOnTransport.start(options, connect(options));
    open.add(w);
    return w;
  }

  /**
   * @return task options on this test's queue
   */
  protected TaskOptions.Builder on() {
    return TaskOptions.builder().queue(queue).retryDelay(Duration.ofMillis(100));
  }

  /** A typed argument and result, to check JSON mapping both ways. */
  public record Render(String path, int width) {}

  /** The result of {@link Render}. */
  public record Rendered(String path, long bytes) {}

  private List<String> recordEvents(Warren w, String pattern) {
    List<String> types = new CopyOnWriteArrayList<>();
    w.subscribe(
            Subscription.named(prefix + "-events-" + types.hashCode()).pattern(pattern),
            (Event e) -> types.add(e.type()))
        .queue();
    return types;
  }

  private static List<TaskState> states(TaskStatus s) {
    return s.history().stream().map(TaskTransition::state).toList();
  }

  @Test
  void taskEventsAreOffByDefaultAndHandlesCompleteWithoutThem() {
    WarrenOptions options =
        baseOptions()
            .exchange(prefix + ".quiet")
            .instanceId("q" + UUID.randomUUID().toString().substring(0, 6))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    assertThat(options.taskEvents()).isFalse();
    Warren w = WarrenOnTransport.start(options, connect(options));
    open.add(w);
    List<String> events = recordEvents(w, "#");
    w.tasks().register("quiet.add", queue, ctx -> ctx.args(Integer.class) + 1);
    w.tasks()
        .register(
            "quiet.fail",
            queue,
            ctx -> {
              throw new IllegalStateException("no");
            });

    List<TaskHandle<Integer>> handles = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      handles.add(w.tasks().submit("quiet.add", i, Integer.class, on().build()));
    }
    TaskHandle<?> failing = w.tasks().submit("quiet.fail", null, on().build());
    for (int i = 0; i < 50; i++) {
      assertThat(handles.get(i).result(Integer.class, Duration.ofSeconds(20))).isEqualTo(i + 1);
    }
    assertThatThrownBy(() -> failing.result(Object.class, Duration.ofSeconds(20)))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("no");
    // a marker published after the tasks ended: once it arrived, any task event would have too
    w.publish(Event.builder("quiet.marker").data("m").build()).join();
    await().atMost(10, SECONDS).until(() -> events.contains("quiet.marker"));
    assertThat(events).containsExactly("quiet.marker");
  }

  @Test
  void aTaskRunsReportsProgressAndReturnsItsResult() {
    Warren w = newWarren();
    List<String> events = recordEvents(w, "task.image.render.*");
    w.tasks()
        .register(
            "image.render",
            queue,
            ctx -> {
              Render r = ctx.args(Render.class);
              ctx.progress(0.5, Map.of("stage", "half"));
              ctx.progress(1.0, Map.of("stage", "done"));
              return new Rendered(r.path() + ".png", r.width() * 10L);
            });

    TaskHandle<?> h = w.tasks().submit("image.render", new Render("cat", 64), on().build());

    assertThat(h.result(Rendered.class, Duration.ofSeconds(20)))
        .isEqualTo(new Rendered("cat.png", 640));
    TaskStatus s = h.status();
    assertThat(s.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(s.attempt()).isEqualTo(1);
    assertThat(s.progress()).isEqualTo(1.0);
    assertThat(s.progressMeta()).contains("done");
    assertThat(s.worker()).isEqualTo(w.options().instanceId());
    assertThat(s.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(23)));
    assertThat(states(s))
        .containsExactly(
            TaskState.PENDING, TaskState.STARTED, TaskState.PROGRESS, TaskState.SUCCESS);
    assertThat(s.history()).allSatisfy(t -> assertThat(t.at()).isNotNull());
    // the worker carried on the status the task was submitted with (read or rebuilt exactly)
    assertThat(s.history().get(0).worker()).isEqualTo(w.options().instanceId());
    assertThat(s.history().get(0).detail()).isNull();
    assertThat(s.submittedAt()).isEqualTo(s.history().get(0).at());
    await()
        .atMost(10, SECONDS)
        .untilAsserted(
            () ->
                assertThat(events)
                    .contains(
                        "task.image.render.started",
                        "task.image.render.progress",
                        "task.image.render.succeeded"));
  }

  @Test
  void aBacklogOnAPriorityQueueIsRunHighestPriorityFirst() {
    String priorityQueue = queue + TaskOptions.PRIORITY_QUEUE_SUFFIX;
    Warren client = newWarren();
    // why: submitted while no worker runs, so the whole backlog waits in the queue together
    int[] priorities = {0, 3, 9, 1, 9, 5, 0, 7, 2, 5, 8, 4, 6, 1, 3};
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < priorities.length; i++) {
      submitted.add(
          client
              .tasks()
              .submit(
                  "prio.job",
                  Map.of("n", i, "priority", priorities[i]),
                  TaskOptions.builder().queue(priorityQueue).priority(priorities[i]).build())
              .id());
    }
    List<Integer> ran = new CopyOnWriteArrayList<>();
    List<Integer> order = new CopyOnWriteArrayList<>();
    // why: one task at a time with prefetch 1, so each next task is the broker's choice
    Warren worker = newWarren(prefix + ".events", 1, 1);
    worker
        .tasks()
        .register(
            "prio.job",
            priorityQueue,
            ctx -> {
              @SuppressWarnings("unchecked")
              Map<String, Integer> args = ctx.args(Map.class);
              ran.add(args.get("priority"));
              order.add(args.get("n"));
              return null;
            });

    await().atMost(30, SECONDS).until(() -> ran.size() == priorities.length);
    // each next task is the highest-priority one left, first come first within one
    List<Integer> expected = new ArrayList<>();
    for (int p = TaskOptions.MAX_PRIORITY; p >= 0; p--) {
      for (int i = 0; i < priorities.length; i++) {
        if (priorities[i] == p) {
          expected.add(i);
        }
      }
    }
    assertThat(order).containsExactlyElementsOf(expected);
    assertThat(ran).isSortedAccordingTo(Collections.reverseOrder());
    assertThat(client.tasks().task(submitted.get(2)).status().state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void aPriorityQueueThatExistsWithoutPrioritiesIsUsedAsItIs() {
    String old = queue + ".old" + TaskOptions.PRIORITY_QUEUE_SUFFIX;
    Warren client = newWarren();
    // why: a queue of that name declared before, as earlier versions did, without the argument
    try (Transport raw = connect(client.options())) {
      raw.declareQueue(dev.warren.transport.QueueSpec.durable(old));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    List<Integer> ran = new CopyOnWriteArrayList<>();
    Warren worker = newWarren();
    worker.tasks().register("prio.old", old, ctx -> ran.add(ctx.args(Integer.class)));

    TaskHandle<?> h =
        client.tasks().submit("prio.old", 5, TaskOptions.builder().queue(old).priority(5).build());

    assertThat(h.await(Duration.ofSeconds(20)).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(ran).containsExactly(5);
  }

  @Test
  void aPriorityIsRefusedForAQueueThatIsNoPriorityQueue() {
    assertThatThrownBy(() -> on().priority(5).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("needs a priority queue")
        .hasMessageContaining(queue);
    assertThatThrownBy(() -> on().priority(10))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("10 is not between 0 and 9");
  }

  @Test
  void aFailedTaskIsRetriedWithBackoffThenSucceeds() {
    Warren w = newWarren();
    List<String> events = recordEvents(w, "task.flaky.*");
    AtomicInteger calls = new AtomicInteger();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    w.tasks()
        .register(
            "flaky",
            queue,
            ctx -> {
              attempts.add(ctx.attempt());
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("boom " + calls.get());
              }
              return "ok";
            });
    long start = System.nanoTime();

    TaskHandle<?> h =
        w.tasks()
            .submit(
                "flaky",
                null,
                on().maxRetries(3).retryDelay(Duration.ofMillis(200)).retryBackoff(2).build());

    assertThat(h.result(String.class, Duration.ofSeconds(20))).isEqualTo("ok");
    // two retries: 200 ms, then 400 ms, held by the broker
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(550));
    assertThat(attempts).containsExactly(1, 2, 3);
    TaskStatus s = h.status();
    assertThat(s.attempt()).isEqualTo(3);
    assertThat(states(s))
        .containsExactly(
            TaskState.PENDING,
            TaskState.STARTED,
            TaskState.RETRY,
            TaskState.STARTED,
            TaskState.RETRY,
            TaskState.STARTED,
            TaskState.SUCCESS);
    assertThat(s.history().get(2).detail()).contains("boom 1");
    await()
        .atMost(10, SECONDS)
        .untilAsserted(() -> assertThat(events).contains("task.flaky.retrying"));
  }

  @Test
  void aTaskThatKeepsFailingEndsInFailureWithItsError() {
    Warren w = newWarren();
    List<String> events = recordEvents(w, "task.doomed.*");
    AtomicInteger calls = new AtomicInteger();
    w.tasks()
        .register(
            "doomed",
            queue,
            ctx -> {
              calls.incrementAndGet();
              throw new java.io.IOException("disk full");
            });

    TaskHandle<?> h = w.tasks().submit("doomed", null, on().maxRetries(1).build());

    TaskStatus s = h.await(Duration.ofSeconds(20));
    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(calls).hasValue(2);
    assertThat(s.error().type()).isEqualTo("java.io.IOException");
    assertThat(s.error().message()).isEqualTo("disk full");
    assertThat(s.error().trace()).contains("IOException").hasSizeLessThanOrEqualTo(4001);
    assertThatThrownBy(() -> h.result(String.class, Duration.ofSeconds(1)))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("disk full");
    await()
        .atMost(10, SECONDS)
        .untilAsserted(() -> assertThat(events).contains("task.doomed.failed"));
  }

  @Test
  void aNonRetryableFailureIsNotRetried() {
    Warren w = newWarren();
    AtomicInteger calls = new AtomicInteger();
    w.tasks()
        .register(
            "bad.input",
            queue,
            ctx -> {
              calls.incrementAndGet();
              throw new NonRetryableException("no such image");
            });

    TaskStatus s =
        w.tasks()
            .submit("bad.input", null, on().maxRetries(5).build())
            .await(Duration.ofSeconds(20));

    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aTaskWithACountdownIsScheduledThenRuns() {
    Warren w = newWarren();
    List<Instant> ranAt = new CopyOnWriteArrayList<>();
    w.tasks()
        .register(
            "later",
            queue,
            ctx -> {
              ranAt.add(Instant.now());
              return null;
            });
    Instant submitted = Instant.now();

    TaskHandle<?> h =
        w.tasks().submit("later", null, on().countdown(Duration.ofMillis(1500)).build());

    assertThat(h.status().state()).isEqualTo(TaskState.SCHEDULED);
    assertThat(h.status().eta()).isAfter(submitted.plusMillis(1400));
    TaskStatus s = h.await(Duration.ofSeconds(20));
    assertThat(s.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(ranAt).hasSize(1);
    assertThat(Duration.between(submitted, ranAt.get(0)))
        .isBetween(Duration.ofMillis(1450), Duration.ofMillis(6000));
    assertThat(states(s)).startsWith(TaskState.SCHEDULED, TaskState.STARTED);
  }

  @Test
  void aTaskWithAnEtaRunsAfterAnEarlierOneSubmittedLater() {
    Warren w = newWarren();
    List<String> order = new CopyOnWriteArrayList<>();
    w.tasks()
        .register(
            "ordered",
            queue,
            ctx -> {
              order.add(ctx.args(String.class));
              return null;
            });

    TaskHandle<?> late =
        w.tasks().submit("ordered", "late", on().eta(Instant.now().plusMillis(1200)).build());
    TaskHandle<?> soon =
        w.tasks().submit("ordered", "soon", on().countdown(Duration.ofMillis(300)).build());

    soon.await(Duration.ofSeconds(20));
    late.await(Duration.ofSeconds(20));
    assertThat(order).containsExactly("soon", "late");
  }

  @Test
  void aTaskRevokedBeforeItStartsIsSkippedEvenByAWorkerStartedLater() {
    Warren client = newWarren();
    List<String> events = recordEvents(client, "task.skipped.*");
    TaskHandle<?> revoked = client.tasks().submit("skipped", "x", on().build());
    assertThat(revoked.status().state()).isEqualTo(TaskState.PENDING);

    assertThat(revoked.revoke()).isTrue();
    assertThat(revoked.status().state()).isEqualTo(TaskState.REVOKED);
    TaskHandle<?> other = client.tasks().submit("skipped", "y", on().build());

    // the worker comes up after the revoke, and receives the revoked task first
    Warren worker = newWarren();
    List<String> ran = new CopyOnWriteArrayList<>();
    worker
        .tasks()
        .register(
            "skipped",
            queue,
            ctx -> {
              ran.add(ctx.args(String.class));
              return null;
            });

    assertThat(other.await(Duration.ofSeconds(20)).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(ran).containsExactly("y");
    assertThat(revoked.status().state()).isEqualTo(TaskState.REVOKED);
    assertThat(revoked.revoke()).isFalse();
    await()
        .atMost(10, SECONDS)
        .untilAsserted(() -> assertThat(events).contains("task.skipped.revoked"));
  }

  @Test
  void aTaskRevokedByAnotherInstanceWhileQueuedBehindARunningOneNeverRuns() throws Exception {
    // one worker, one task at a time: the revoked task waits in the queue behind a running one
    Warren worker = newWarren(prefix + ".events", 1, 1);
    Warren client = newWarren();
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    worker
        .tasks()
        .register(
            "queued",
            queue,
            ctx -> {
              String arg = ctx.args(String.class);
              ran.add(arg);
              if (arg.equals("blocker")) {
                release.await(20, SECONDS);
              }
              return null;
            });
    TaskHandle<?> blocker = client.tasks().submit("queued", "blocker", on().build());
    await().atMost(20, SECONDS).until(() -> ran.contains("blocker"));
    TaskHandle<?> revoked = client.tasks().submit("queued", "revoked", on().build());
    TaskHandle<?> after = client.tasks().submit("queued", "after", on().build());

    assertThat(revoked.revoke()).isTrue();
    // why: the worker learns of revokes from the store's log within a fraction of a second
    Thread.sleep(1000);
    release.countDown();

    assertThat(after.await(Duration.ofSeconds(20)).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(blocker.status().state()).isEqualTo(TaskState.SUCCESS);
    assertThat(revoked.status().state()).isEqualTo(TaskState.REVOKED);
    assertThat(ran).containsExactly("blocker", "after");
  }

  @Test
  void aScheduledTaskRevokedWhileWaitingNeverRuns() {
    Warren w = newWarren();
    AtomicInteger calls = new AtomicInteger();
    w.tasks()
        .register(
            "cancelled.later",
            queue,
            ctx -> {
              calls.incrementAndGet();
              return null;
            });
    TaskHandle<?> h =
        w.tasks().submit("cancelled.later", null, on().countdown(Duration.ofMillis(500)).build());
    h.revoke();
    TaskHandle<?> after =
        w.tasks().submit("cancelled.later", null, on().countdown(Duration.ofMillis(800)).build());

    after.await(Duration.ofSeconds(20));
    assertThat(calls).hasValue(1);
    assertThat(h.status().state()).isEqualTo(TaskState.REVOKED);
  }

  @Test
  void revokingARunningTaskSignalsItsCancellation() throws InterruptedException {
    Warren w = newWarren();
    List<String> events = recordEvents(w, "task.long.*");
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    w.tasks()
        .register(
            "long",
            queue,
            ctx -> {
              started.countDown();
              while (!ctx.isCancelled()) {
                Thread.sleep(10);
              }
              sawCancel.set(true);
              ctx.checkCancelled();
              return "not reached";
            });
    TaskHandle<?> h = w.tasks().submit("long", null, on().build());
    assertThat(started.await(20, SECONDS)).isTrue();

    assertThat(h.revoke()).isTrue();

    TaskStatus s = h.await(Duration.ofSeconds(10));
    assertThat(s.state()).isEqualTo(TaskState.REVOKED);
    assertThat(sawCancel).isTrue();
    assertThat(states(s)).containsSubsequence(TaskState.STARTED, TaskState.REVOKED);
    await()
        .atMost(10, SECONDS)
        .untilAsserted(() -> assertThat(events).contains("task.long.revoked"));
  }

  @Test
  void aRevokedTaskThatIgnoresTheSignalIsAbandonedAfterTheGracePeriod()
      throws InterruptedException {
    Warren w = newWarren();
    CountDownLatch started = new CountDownLatch(1);
    w.tasks()
        .register(
            "stubborn",
            queue,
            ctx -> {
              if ("block".equals(ctx.args(String.class))) {
                started.countDown();
                spinIgnoringInterrupts(Duration.ofSeconds(15));
              }
              return "done";
            });
    TaskHandle<?> h =
        w.tasks().submit("stubborn", "block", on().revokeGrace(Duration.ofMillis(300)).build());
    TaskHandle<?> next = w.tasks().submit("stubborn", "quick", on().build());
    assertThat(started.await(20, SECONDS)).isTrue();
    long revokedAt = System.nanoTime();

    h.revoke();

    assertThat(h.await(Duration.ofSeconds(10)).state()).isEqualTo(TaskState.REVOKED);
    assertThat(next.result(String.class, Duration.ofSeconds(10))).isEqualTo("done");
    assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void theSoftTimeLimitSignalsCancellation() {
    Warren w = newWarren();
    w.tasks()
        .register(
            "soft",
            queue,
            ctx -> {
              long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
              while (!ctx.isCancelled() && System.nanoTime() < deadline) {
                Thread.sleep(10);
              }
              return ctx.isCancelled() ? "stopped early" : "ran to the end";
            });
    long start = System.nanoTime();

    TaskHandle<?> h =
        w.tasks().submit("soft", null, on().softTimeLimit(Duration.ofMillis(400)).build());

    assertThat(h.result(String.class, Duration.ofSeconds(20))).isEqualTo("stopped early");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aTaskStoppedByItsSoftLimitFailsWithoutRetry() {
    Warren w = newWarren();
    AtomicInteger calls = new AtomicInteger();
    w.tasks()
        .register(
            "soft.fail",
            queue,
            ctx -> {
              calls.incrementAndGet();
              while (true) {
                ctx.checkCancelled();
                Thread.sleep(10);
              }
            });

    TaskStatus s =
        w.tasks()
            .submit(
                "soft.fail", null, on().maxRetries(3).softTimeLimit(Duration.ofMillis(300)).build())
            .await(Duration.ofSeconds(20));

    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(s.error().type()).isEqualTo("dev.warren.tasks.TaskCancelledException");
    assertThat(calls).hasValue(1);
  }

  @Test
  void theHardTimeLimitFailsTheTaskAndTheWorkerMovesOn() {
    Warren w = newWarren();
    List<String> events = recordEvents(w, "task.hard.*");
    w.tasks()
        .register(
            "hard",
            queue,
            ctx -> {
              if ("hang".equals(ctx.args(String.class))) {
                spinIgnoringInterrupts(Duration.ofSeconds(20));
              }
              return "fine";
            });
    long start = System.nanoTime();

    TaskHandle<?> hung =
        w.tasks()
            .submit(
                "hard",
                "hang",
                on().maxRetries(3)
                    .softTimeLimit(Duration.ofMillis(200))
                    .timeLimit(Duration.ofMillis(600))
                    .build());
    TaskHandle<?> next = w.tasks().submit("hard", "quick", on().build());

    TaskStatus s = hung.await(Duration.ofSeconds(15));
    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(s.error().type()).isEqualTo(TaskTimeoutException.class.getName());
    assertThat(s.attempt()).isEqualTo(1);
    assertThat(next.result(String.class, Duration.ofSeconds(10))).isEqualTo("fine");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    await()
        .atMost(10, SECONDS)
        .untilAsserted(() -> assertThat(events).contains("task.hard.failed"));
  }

  @Test
  void aTaskNobodyRegisteredFailsOnTheWorkerThatReceivesIt() {
    Warren w = newWarren();
    w.tasks().register("known", queue, ctx -> null);

    TaskStatus s = w.tasks().submit("unknown", null, on().build()).await(Duration.ofSeconds(20));

    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(s.error().type()).isEqualTo(TaskNotRegisteredException.class.getName());
  }

  @Test
  void awaitGivesUpAfterItsTimeout() {
    Warren w = newWarren();
    TaskHandle<?> h = w.tasks().submit("nobody.runs.this", null, on().build());

    assertThatThrownBy(() -> h.await(Duration.ofMillis(200)))
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessageContaining("PENDING");
  }

  @Test
  void invalidNamesQueuesAndDuplicatesAreInvalidInput() {
    Warren w = newWarren();

    assertThatThrownBy(() -> w.tasks().submit("bad name", null, on().build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("bad name");
    assertThatThrownBy(() -> w.tasks().register("a.*", queue, ctx -> null))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> w.tasks().register("fine", "bad queue!", ctx -> null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("bad queue!");
    assertThatThrownBy(() -> w.tasks().register("fine", queue, (dev.warren.tasks.TaskHandler) null))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> w.tasks().task(" ")).isInstanceOf(InvalidInputException.class);
    w.tasks().register("once", queue, ctx -> null);
    assertThatThrownBy(() -> w.tasks().register("once", queue, ctx -> null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> w.tasks().register("once", queue, String.class, s -> s))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already registered");
  }

  @Test
  void aTypedTaskRoundTripsARecordAndItsFutureCompletesWithTheTypedResult() throws Exception {
    Warren w = newWarren();
    w.tasks()
        .register(
            "typed.render",
            queue,
            Render.class,
            r -> new Rendered(r.path() + ".png", r.width() * 10L));

    TaskHandle<Rendered> h =
        w.tasks().submit("typed.render", new Render("cat", 64), Rendered.class, on().build());

    assertThat(h.future()).isSameAs(h.future());
    assertThat(h.future().get(20, SECONDS)).isEqualTo(new Rendered("cat.png", 640));
    assertThat(h.status().state()).isEqualTo(TaskState.SUCCESS);
    assertThat(h.status().result()).contains("cat.png");
    TaskHandle<Rendered> again = w.tasks().task(h.id(), Rendered.class);
    assertThat(again.future().get(10, SECONDS)).isEqualTo(new Rendered("cat.png", 640));
    assertThat(again.result(Rendered.class, Duration.ofSeconds(5)))
        .isEqualTo(new Rendered("cat.png", 640));
    assertThat(w.tasks().task(h.id()).future().get(10, SECONDS))
        .isEqualTo(Map.of("path", "cat.png", "bytes", 640));
  }

  @Test
  void theFutureFailsWhenTheTaskFails() {
    Warren w = newWarren();
    w.tasks()
        .register(
            "future.doomed",
            queue,
            String.class,
            s -> {
              throw new java.io.IOException("disk full for " + s);
            });

    TaskHandle<String> h =
        w.tasks().submit("future.doomed", "a.png", String.class, on().maxRetries(1).build());

    assertThatThrownBy(() -> h.future().get(20, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("FAILURE")
        .hasMessageContaining("java.io.IOException: disk full for a.png");
    assertThat(h.status().attempt()).isEqualTo(2);
    assertThat(h.future().isCompletedExceptionally()).isTrue();
  }

  @Test
  void theFutureFailsWhenTheTaskIsRevokedBeforeOrWhileItRuns() throws InterruptedException {
    Warren w = newWarren();
    CountDownLatch started = new CountDownLatch(1);
    w.tasks()
        .register(
            "future.revoked",
            queue,
            ctx -> {
              started.countDown();
              while (true) {
                ctx.checkCancelled();
                Thread.sleep(10);
              }
            });
    TaskHandle<String> running =
        w.tasks().submit("future.revoked", null, String.class, on().build());
    TaskHandle<String> waiting =
        w.tasks().submit("future.revoked", null, String.class, on().build());
    CompletableFuture<String> runningResult = running.future();
    CompletableFuture<String> waitingResult = waiting.future();
    assertThat(started.await(20, SECONDS)).isTrue();

    assertThat(waiting.revoke()).isTrue();
    assertThat(running.revoke()).isTrue();

    for (CompletableFuture<String> f : List.of(waitingResult, runningResult)) {
      assertThatThrownBy(() -> f.get(20, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("REVOKED");
    }
  }

  @Test
  void theFutureOfATaskThatEndedBeforeAnyoneListenedCompletesFromTheStore() throws Exception {
    Warren worker = newWarren();
    worker.tasks().register("early", queue, Render.class, r -> new Rendered(r.path(), 1));
    // a client that never followed a task: it has no listener when the task ends
    Warren client = newWarren();
    String id = client.tasks().submit("early", new Render("a", 1), on().build()).id();
    await()
        .atMost(20, SECONDS)
        .until(() -> client.tasks().task(id).status().state() == TaskState.SUCCESS);

    CompletableFuture<Rendered> f = client.tasks().task(id, Rendered.class).future();

    assertThat(f.get(10, SECONDS)).isEqualTo(new Rendered("a", 1));
  }

  @Test
  void theFutureCompletesFromTheTerminalEventNotByPollingTheStore() throws Exception {
    // the worker publishes its task events to another exchange than the client listens on: the
    // store says SUCCESS, but no event reaches the client, so only a poller would complete
    Warren client = newWarren();
    TaskHandle<String> h = client.tasks().submit("unheard", "x", String.class, on().build());
    CompletableFuture<String> f = h.future();
    // by then the future's one store read (PENDING) is done
    assertThatThrownBy(() -> h.await(Duration.ofMillis(500)))
        .isInstanceOf(TaskTimeoutException.class);
    Warren worker = newWarren(prefix + ".other-events");
    worker.tasks().register("unheard", queue, String.class, s -> s + "!");
    await().atMost(20, SECONDS).until(() -> h.status().state() == TaskState.SUCCESS);

    Thread.sleep(1000);

    assertThat(f).isNotDone();
    // while a handle made now reads the store once, and completes, and so does the first one
    assertThat(client.tasks().task(h.id(), String.class).future().get(10, SECONDS)).isEqualTo("x!");
    assertThat(f.get(10, SECONDS)).isEqualTo("x!");
  }

  @Test
  void closingTheInstanceFailsPendingFuturesAndLaterCalls() {
    Warren w = newWarren();
    Tasks tasks = w.tasks();
    TaskHandle<String> h = tasks.submit("nobody.runs.this", null, String.class, on().build());
    CompletableFuture<String> f = h.future();

    w.close();

    assertThatThrownBy(() -> f.get(10, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(WarrenClosedException.class);
    assertThat(h.future()).isSameAs(f);
    assertThatThrownBy(() -> tasks.submit("late", null, on().build()))
        .isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(() -> tasks.register("late", queue, ctx -> null))
        .isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(() -> tasks.task(h.id(), String.class))
        .isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(() -> h.await(Duration.ofSeconds(1)))
        .isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(h::revoke).isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(() -> tasks.task("another", String.class).future())
        .isInstanceOf(WarrenClosedException.class);
  }

  @Test
  void argumentsThatCannotBeDecodedFailATypedTaskAtOnceWithoutRetry() {
    Warren w = newWarren();
    AtomicInteger calls = new AtomicInteger();
    w.tasks()
        .register(
            "typed.strict",
            queue,
            Render.class,
            r -> {
              calls.incrementAndGet();
              return r.path();
            });

    TaskHandle<String> h =
        w.tasks()
            .submit(
                "typed.strict",
                List.of("not", "a", "render"),
                String.class,
                on().maxRetries(3).build());

    assertThatThrownBy(() -> h.future().get(20, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("Render");
    TaskStatus s = h.status();
    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(s.attempt()).isEqualTo(1);
    assertThat(calls).hasValue(0);
    assertThat(s.error().type()).isEqualTo(InvalidInputException.class.getName());
    assertThat(s.error().message()).contains("arguments").contains("Render");
    assertThat(states(s)).doesNotContain(TaskState.RETRY);
  }

  @Test
  @Timeout(value = 180, unit = SECONDS)
  void aThousandFuturesCompleteWithTheirResults() throws Exception {
    Warren w = newWarren();
    // why: four workers, so the slowest store (one worker does ~30 tasks/s on PostgreSQL here)
    // finishes well within the timeout; the client only submits and follows
    for (int i = 0; i < 4; i++) {
      newWarren().tasks().register("double", queue, Integer.class, x -> x * 2);
    }
    int n = 1000;
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // future() asked for on the thread that completes the submit: often a transport thread
      results.add(
          w.tasks()
              .submitAsync("double", i, on().build())
              .thenCompose(h -> w.tasks().task(h.id(), Integer.class).future()));
    }

    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(150, SECONDS);

    for (int i = 0; i < n; i++) {
      assertThat(results.get(i).join()).isEqualTo(i * 2);
    }
  }

  @Test
  void twoWorkersShareAQueueOneTaskAtATime() {
    List<String> by = new CopyOnWriteArrayList<>();
    Warren client = newWarren();
    for (int i = 0; i < 2; i++) {
      Warren worker = newWarren();
      worker
          .tasks()
          .register(
              "shared",
              queue,
              ctx -> {
                Thread.sleep(100);
                by.add(worker.options().instanceId());
                return null;
              });
    }
    List<TaskHandle<?>> handles = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      handles.add(client.tasks().submit("shared", i, on().build()));
    }

    for (TaskHandle<?> h : handles) {
      assertThat(h.await(Duration.ofSeconds(20)).state()).isEqualTo(TaskState.SUCCESS);
    }
    // prefetch 1: neither worker hoards, both get work
    assertThat(by).hasSize(8);
    assertThat(new java.util.HashSet<>(by)).hasSize(2);
  }

  @Test
  void noOpThroughput() {
    Warren w = newWarren();
    w.tasks().register("noop", queue, ctx -> null);
    int n = Integer.getInteger("warren.test.tasks", 500);
    // warm up
    w.tasks().submit("noop", null, on().build()).await(Duration.ofSeconds(20));
    long start = System.nanoTime();
    List<java.util.concurrent.CompletableFuture<TaskHandle<Object>>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(w.tasks().submitAsync("noop", null, on().build()));
    }
    List<TaskHandle<Object>> handles = sent.stream().map(f -> f.join()).toList();
    double submitted = (System.nanoTime() - start) / 1e9;
    for (TaskHandle<Object> h : handles) {
      assertThat(h.await(Duration.ofSeconds(60)).state()).isEqualTo(TaskState.SUCCESS);
    }
    System.out.printf("%s: submitting %d took %.2f s%n", getClass().getSimpleName(), n, submitted);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%s: %d no-op tasks end to end in %.2f s = %.0f tasks/s (one worker, prefetch 1)%n",
        getClass().getSimpleName(), n, seconds, n / seconds);
  }

  /** Busy-waits, swallowing interrupts: a handler that cannot be stopped. */
  protected static void spinIgnoringInterrupts(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException ignored) {
        // why: simulates code that does not honour interruption
      }
    }
  }
}
