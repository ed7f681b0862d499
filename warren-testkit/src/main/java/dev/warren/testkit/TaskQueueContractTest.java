package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.NonRetryableException;
import dev.warren.Subscription;
import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The task queue's behaviour on a transport, through the public {@link Tasks} API: success with
 * progress, retries, countdown, revokes, time limits and the {@code task.<name>.*} events. Each
 * test uses a task queue and an exchange of its own; the store is the one {@code WARREN_STORE_URL}
 * names (memory by default). Subclass it once per transport.
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class TaskQueueContractTest {
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** A name unique to this test. */
  protected String prefix;

  /** This test's task queue. */
  protected String queue;

  /**
   * @return options pointing at the broker under test
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
  protected WarrenEngine newWarren() {
    WarrenOptions options =
        baseOptions()
            .exchange(prefix + ".events")
            .instanceId("w" + UUID.randomUUID().toString().substring(0, 6))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();
    WarrenEngine w = WarrenEngine.start(options, connect(options));
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

  private List<String> recordEvents(WarrenEngine w, String pattern) {
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
  void aTaskRunsReportsProgressAndReturnsItsResult() {
    WarrenEngine w = newWarren();
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
  void aFailedTaskIsRetriedWithBackoffThenSucceeds() {
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine client = newWarren();
    List<String> events = recordEvents(client, "task.skipped.*");
    TaskHandle<?> revoked = client.tasks().submit("skipped", "x", on().build());
    assertThat(revoked.status().state()).isEqualTo(TaskState.PENDING);

    assertThat(revoked.revoke()).isTrue();
    assertThat(revoked.status().state()).isEqualTo(TaskState.REVOKED);
    TaskHandle<?> other = client.tasks().submit("skipped", "y", on().build());

    // the worker comes up after the revoke, and receives the revoked task first
    WarrenEngine worker = newWarren();
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
  void aScheduledTaskRevokedWhileWaitingNeverRuns() {
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
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
    WarrenEngine w = newWarren();
    w.tasks().register("known", queue, ctx -> null);

    TaskStatus s = w.tasks().submit("unknown", null, on().build()).await(Duration.ofSeconds(20));

    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(s.error().type()).isEqualTo(TaskNotRegisteredException.class.getName());
  }

  @Test
  void awaitGivesUpAfterItsTimeout() {
    WarrenEngine w = newWarren();
    TaskHandle<?> h = w.tasks().submit("nobody.runs.this", null, on().build());

    assertThatThrownBy(() -> h.await(Duration.ofMillis(200)))
        .isInstanceOf(TaskTimeoutException.class)
        .hasMessageContaining("PENDING");
  }

  @Test
  void invalidNamesAreRejected() {
    WarrenEngine w = newWarren();

    assertThatThrownBy(() -> w.tasks().submit("bad name", null, on().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad name");
    assertThatThrownBy(() -> w.tasks().register("a.*", queue, ctx -> null))
        .isInstanceOf(IllegalArgumentException.class);
    w.tasks().register("once", queue, ctx -> null);
    assertThatThrownBy(() -> w.tasks().register("once", queue, ctx -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered");
  }

  @Test
  void twoWorkersShareAQueueOneTaskAtATime() {
    List<String> by = new CopyOnWriteArrayList<>();
    WarrenEngine client = newWarren();
    for (int i = 0; i < 2; i++) {
      WarrenEngine worker = newWarren();
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
    WarrenEngine w = newWarren();
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
