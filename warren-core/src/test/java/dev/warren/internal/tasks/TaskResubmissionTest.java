package dev.warren.internal.tasks;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.internal.tasks.TaskQueue.Submission;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Submissions under an id of the caller's, as an instance taking over a schedule firing makes them:
 * the store tells how far the first one got, and a copy sent again runs only if the first did not.
 */
@Timeout(value = 60, unit = SECONDS)
class TaskResubmissionTest {
  private static final String QUEUE = "resubmission.test";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final InMemoryBroker broker = new InMemoryBroker();
  private final InMemoryTaskStore store = new InMemoryTaskStore();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private WarrenEngine engine;
  private TaskQueue tasks;

  @AfterEach
  void close() {
    if (tasks != null) {
      tasks.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  /** One worker running one task at a time, so the queue's order is the order tasks run in. */
  private TaskQueue tasks() {
    engine =
        WarrenEngine.start(
            WarrenOptions.builder()
                .transport(WarrenOptions.TransportKind.MEMORY)
                .taskConcurrency(1)
                .taskPrefetch(1)
                .build(),
            new InMemoryTransport(broker));
    tasks = new TaskQueue(engine, engine.transport(), engine.options(), store, false);
    return tasks;
  }

  private void registerCounter(TaskQueue t) {
    t.register(
        "count",
        QUEUE,
        ctx -> runs.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet());
  }

  private static TaskOptions on() {
    return TaskOptions.builder().queue(QUEUE).build();
  }

  @Test
  void theStoreTellsWhetherATaskWasNeverSentStoredOrDelivered() {
    TaskQueue t = tasks();
    assertThat(t.submission("never-sent")).isEqualTo(Submission.NONE);

    t.submit("queued", "count", null, on(), false); // no worker yet: it waits in its queue
    assertThat(t.submission("queued")).isEqualTo(Submission.STORED);

    registerCounter(t);
    assertThat(t.task("queued").await(WAIT).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(t.submission("queued")).isEqualTo(Submission.DELIVERED);
  }

  @Test
  void aCopySentAgainAfterTheFirstRanIsDroppedUnrun() {
    TaskQueue t = tasks();
    registerCounter(t);
    t.submit("once", "count", null, on(), false);
    assertThat(t.task("once").await(WAIT).state()).isEqualTo(TaskState.SUCCESS);

    t.submit("once", "count", null, on(), true);
    // why: one task at a time in queue order, so when this one is done the copy was handled
    String after = t.submit("count", null, on()).id();
    assertThat(t.task(after).await(WAIT).state()).isEqualTo(TaskState.SUCCESS);

    assertThat(runs.get("once")).hasValue(1);
    assertThat(t.task("once").status().state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void aCopyOfATaskStoredButNeverPublishedRuns() {
    TaskQueue t = tasks();
    // as a submitter leaves it when it dies between storing the task and publishing it
    Instant now = Instant.now();
    store.put(
        TaskMessage.of("lost", "count", "null", on(), now, now, "a-dead-instance").submitted());
    assertThat(t.submission("lost")).isEqualTo(Submission.STORED);

    registerCounter(t);
    t.submit("lost", "count", null, on(), true);

    assertThat(t.task("lost").await(WAIT).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(runs.get("lost")).hasValue(1);
  }
}
