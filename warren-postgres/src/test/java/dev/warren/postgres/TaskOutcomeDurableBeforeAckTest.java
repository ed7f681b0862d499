package dev.warren.postgres;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The terminal state is durable before the task's message is acknowledged: a worker JVM killed
 * after its handler returned but while the store write of SUCCESS is still in flight (held by a
 * stalling store) has not acknowledged the task, so the broker redelivers it and another worker
 * finishes it. A worker that acknowledged first would lose the task: nobody would ever finish it.
 */
@Timeout(value = 120, unit = SECONDS)
class TaskOutcomeDurableBeforeAckTest {
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
  void aWorkerKilledBeforeItsOutcomeIsDurableLeavesTheTaskToAnother() throws Exception {
    String storeUrl = TestDatabase.urlWith(schema);
    String exchange = "stall.events";
    String queue = "stall.tasks";
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process doomed =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                StalledOutcomeWorkerMain.class.getName(),
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
      assertThat(readLine(out)).isEqualTo("ready");

      TaskHandle<?> h =
          client.tasks().submit("stall.victim", null, TaskOptions.builder().queue(queue).build());

      // the doomed worker ran the handler and is writing SUCCESS: kill it mid-write
      assertThat(readLine(out)).isEqualTo("terminal " + h.id() + " SUCCESS");
      doomed.destroyForcibly(); // SIGKILL: no shutdown hook, no ack
      assertThat(doomed.waitFor(10, SECONDS)).isTrue();
      assertThat(h.status().isFinal()).isFalse();

      client.tasks().register("stall.victim", queue, ctx -> "finished by the survivor");

      TaskStatus s = h.await(Duration.ofSeconds(30));
      assertThat(s.state()).isEqualTo(TaskState.SUCCESS);
      assertThat(s.result()).isEqualTo("\"finished by the survivor\"");
      assertThat(s.worker()).isEqualTo("survivor");
    } finally {
      doomed.destroyForcibly();
    }
  }

  /** One line from the worker, within 30 s. */
  private static String readLine(BufferedReader out) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .get(30, SECONDS);
  }
}
