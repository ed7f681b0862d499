package dev.warren.postgres;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskTransition;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * At-least-once across processes: a worker JVM killed with SIGKILL mid-task loses the task to the
 * broker, which redelivers it to another worker; the store shows the lost attempt as a retry.
 */
@Timeout(value = 120, unit = SECONDS)
class TaskWorkerCrashTest {
  private static TestBroker broker;
  private static String schema;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.newSchema("warren_test");
    broker = TestBroker.create();
  }

  @AfterAll
  static void tearDown() {
    if (broker != null) {
      broker.close();
    }
    TestDatabase.drop(schema);
  }

  @Test
  void aTaskWhoseWorkerIsKilledRunsAgainOnAnotherWorker() throws Exception {
    String storeUrl = TestDatabase.urlWith(schema);
    String exchange = "crash.events";
    String queue = "crash.tasks";
    Process doomed = startDoomed(exchange, queue, storeUrl);
    WarrenOptions options = survivor(exchange, storeUrl);
    try (WarrenEngine client = WarrenEngine.start(options, RabbitMqTransport.connect(options))) {
      awaitReady(doomed);

      TaskHandle<?> h =
          client.tasks().submit("crash.victim", null, TaskOptions.builder().queue(queue).build());
      await().atMost(30, SECONDS).until(() -> h.status().state() == TaskState.PROGRESS);
      assertThat(h.status().worker()).isEqualTo("doomed-worker");

      doomed.destroyForcibly(); // SIGKILL: no shutdown hook, no ack, no status write
      assertThat(doomed.waitFor(10, SECONDS)).isTrue();

      client.tasks().register("crash.victim", queue, ctx -> "finished by the survivor");

      TaskStatus s = h.await(Duration.ofSeconds(30));
      assertThat(s.state()).isEqualTo(TaskState.SUCCESS);
      assertThat(s.result()).isEqualTo("\"finished by the survivor\"");
      assertThat(s.attempt()).isEqualTo(2);
      assertThat(s.worker()).isEqualTo("survivor");
      assertThat(s.history().stream().map(TaskTransition::state))
          .containsExactly(
              TaskState.PENDING,
              TaskState.STARTED,
              TaskState.PROGRESS,
              TaskState.RETRY,
              TaskState.STARTED,
              TaskState.SUCCESS);
      TaskTransition lost = s.history().get(3);
      assertThat(lost.detail()).contains("doomed-worker").contains("lost");
      assertThat(lost.worker()).isEqualTo("survivor");
    } finally {
      doomed.destroyForcibly();
    }
  }

  @Test
  void aWorkerKilledUnderLoadWithTasksHeldLosesNone() throws Exception {
    String storeUrl = TestDatabase.urlWith(schema);
    String exchange = "crash.load.events";
    String queue = "crash.load.tasks";
    Process doomed = startDoomed(exchange, queue, storeUrl);
    WarrenOptions options = survivor(exchange, storeUrl);
    try (WarrenEngine client = WarrenEngine.start(options, RabbitMqTransport.connect(options))) {
      awaitReady(doomed);
      client
          .tasks()
          .register(
              "crash.stream",
              queue,
              ctx -> {
                Thread.sleep(3);
                return ctx.args(Integer.class);
              });
      TaskOptions on = TaskOptions.builder().queue(queue).build();

      int n = 3000;
      java.util.concurrent.atomic.AtomicInteger done =
          new java.util.concurrent.atomic.AtomicInteger();
      List<java.util.concurrent.CompletableFuture<Integer>> results = new java.util.ArrayList<>();
      List<String> ids = new java.util.ArrayList<>();
      // why: submitted without waiting, so the kill finds a backlog, tasks running and tasks held
      List<java.util.concurrent.CompletableFuture<TaskHandle<Object>>> sent =
          new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(client.tasks().submitAsync("crash.stream", i, on));
      }
      for (int i = 0; i < n; i++) {
        TaskHandle<Object> h = sent.get(i).get(30, SECONDS);
        ids.add(h.id());
        results.add(
            client
                .tasks()
                .task(h.id(), Integer.class)
                .future()
                .whenComplete((r, e) -> done.incrementAndGet()));
      }
      await().atMost(60, SECONDS).until(() -> done.get() >= n / 5);
      doomed.destroyForcibly(); // SIGKILL with tasks running and up to 32 more held, unacked
      assertThat(doomed.waitFor(10, SECONDS)).isTrue();
      int atKill = done.get();

      try {
        java.util.concurrent.CompletableFuture.allOf(
                results.toArray(java.util.concurrent.CompletableFuture[]::new))
            .get(90, SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        java.util.Map<String, Long> states = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
          if (!results.get(i).isDone()) {
            TaskStatus st = client.tasks().task(ids.get(i)).status();
            states.merge(st.state() + " " + st.worker() + " a" + st.attempt(), 1L, Long::sum);
          }
        }
        throw new AssertionError("not done: " + states + " killed at " + atKill, e);
      }
      for (int i = 0; i < n; i++) {
        assertThat(results.get(i).join()).isEqualTo(i);
      }
      assertThat(atKill).isLessThan(n);
      java.util.Map<String, Long> byWorker =
          ids.stream()
              .map(id -> client.tasks().task(id).status())
              .peek(s -> assertThat(s.state()).isEqualTo(TaskState.SUCCESS))
              .collect(
                  java.util.stream.Collectors.groupingBy(
                      TaskStatus::worker, java.util.stream.Collectors.counting()));
      // both worked; what the killed one held or ran unfinished, the survivor finished
      assertThat(byWorker.keySet()).containsExactlyInAnyOrder("survivor", "doomed-worker");
      assertThat(byWorker.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
    } finally {
      doomed.destroyForcibly();
    }
  }

  /** {@link TaskWorkerMain} in a JVM of its own, as the instance {@code doomed-worker}. */
  private static Process startDoomed(String exchange, String queue, String storeUrl)
      throws java.io.IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            TaskWorkerMain.class.getName(),
            broker.uri(),
            exchange,
            queue,
            storeUrl)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static WarrenOptions survivor(String exchange, String storeUrl) {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.RABBITMQ)
        .rabbitmqUri(broker.uri())
        .exchange(exchange)
        .instanceId("survivor")
        .storeUrl(storeUrl)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** Waits for the worker process to say it consumes. */
  private static void awaitReady(Process worker) throws java.io.IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("ready");
  }
}
