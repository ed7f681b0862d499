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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process doomed =
        new ProcessBuilder(
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
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .rabbitmqUri(broker.uri())
            .exchange(exchange)
            .instanceId("survivor")
            .storeUrl(storeUrl)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    try (WarrenEngine client = WarrenEngine.start(options, RabbitMqTransport.connect(options))) {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");

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
}
