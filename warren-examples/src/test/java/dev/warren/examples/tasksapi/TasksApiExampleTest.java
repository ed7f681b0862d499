package dev.warren.examples.tasksapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.Examples;
import dev.warren.testkit.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the tasks-api example end to end with messaging "disabled" (the embedded broker) and enabled
 * (RabbitMQ, a virtual host of its own): the same code, other options. With {@code CI=true} a
 * missing RabbitMQ fails the test instead of skipping it.
 */
class TasksApiExampleTest {

  @Test
  void isFoundByName() {
    assertThat(Examples.named("tasks-api")).get().isInstanceOf(TasksApiExample.class);
  }

  @Test
  void messagingDisabledRunsOnTheEmbeddedBroker() throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            // why: the example's instances must meet on one broker, shared by name
            .memoryBroker("examples-tasks-api")
            .build();
    StringWriter out = new StringWriter();

    ExampleResult result = run(options, out);

    assertOutcome(result, out);
    assertThat(out.toString()).contains("messaging:  disabled: Warren's embedded broker");
    assertQueuesDeleted(options);
  }

  @Test
  void messagingEnabledRunsOnRabbitMq() throws Exception {
    try (TestBroker broker = TestBroker.create()) {
      WarrenOptions options = broker.options().build();
      StringWriter out = new StringWriter();

      ExampleResult result = run(options, out);

      assertOutcome(result, out);
      assertThat(out.toString()).contains("messaging:  enabled: RabbitMQ amqp://guest:***@");
      assertQueuesDeleted(options);
    }
  }

  @Test
  void runsTwiceInARowOnTheSameBroker() throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            // why: the example's instances must meet on one broker, shared by name
            .memoryBroker("examples-tasks-api")
            .build();
    StringWriter first = new StringWriter();
    StringWriter second = new StringWriter();

    assertOutcome(run(options, first), first);
    assertOutcome(run(options, second), second);

    assertThat(second.toString()).doesNotContain("left behind");
  }

  private static ExampleResult run(WarrenOptions options, StringWriter out) throws Exception {
    ExampleContext ctx =
        new ExampleContext(options, Map.of(), new PrintWriter(out, true), Duration.ofSeconds(30));
    try {
      return new TasksApiExample().run(ctx);
    } finally {
      System.out.print(out);
    }
  }

  private static void assertOutcome(ExampleResult result, StringWriter out) {
    assertThat(result.example()).isEqualTo("tasks-api");
    Map<String, Long> figures = result.figures();
    assertThat(figures)
        .containsEntry("tasks-submitted", 2L)
        .containsEntry("tasks-succeeded", 1L)
        .containsEntry("tasks-revoked", 1L)
        .containsEntry("report-progress-percent", 100L)
        .containsEntry("sent", 5L)
        .containsEntry("peeked", 3L)
        .containsEntry("held-after-peek", 5L)
        .containsEntry("purged", 5L);
    // revoked once it reported at least 10 %, and the worker checks every 200 ms: well before 100 %
    assertThat(figures.get("export-progress-percent")).isBetween(10L, 99L);
    // 5 rows worth 125, 250, 375, 500 and 625
    assertThat(result.facts())
        .contains("report SUCCESS {\"month\":\"2026-10\",\"rows\":5,\"total\":1875}")
        .contains("outbox sent 5, peeked 3, purged 5")
        .anyMatch(f -> f.matches("export REVOKED \\{\"file\":\\d+}"));
    String narration = out.toString();
    assertThat(narration)
        .contains("tasks: report SUCCESS, history [PENDING, STARTED, PROGRESS, SUCCESS]")
        .contains("tasks: export REVOKED after ")
        .contains("DELETE /queues/examples.tasks-api.outbox/messages: purged 5")
        .contains("DELETE /queues/examples.tasks-api.outbox: deleted; GET answers 404");
  }

  private static void assertQueuesDeleted(WarrenOptions options) {
    try (Warren warren = Warren.create(options)) {
      for (String queue : List.of(TasksApiExample.TASK_QUEUE, TasksApiExample.OUTBOX)) {
        assertThat(warren.admin().queue(queue)).as("queue " + queue).isEmpty();
      }
    }
  }
}
