package dev.warren.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.cli.WarrenCli;
import dev.warren.tasks.TaskState;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TasksCommandTest {
  /** The command's instances meet the test's worker on this broker and exchange. */
  private static final Map<String, String> ENV =
      Map.of(
          "WARREN_TRANSPORT", "memory",
          "WARREN_MEMORY_BROKER", "warren-cli-tasks-tests",
          "WARREN_EXCHANGE", "tasks-cli.events");

  private Warren worker;
  private String queue;

  @BeforeEach
  void startWorker() {
    queue = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    worker = Warren.create(WarrenOptions.fromEnvironment(ENV));
    worker.tasks().register("echo", queue, ctx -> ctx.args(java.util.Map.class));
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  private record Run(int exit, String out, String err) {}

  /** Runs {@code warren tasks …} as {@code warren} runs it, with the test's environment. */
  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new WarrenCli(ENV, new ByteArrayInputStream(new byte[0])).commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("tasks"));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void submitWaitsAndPrintsTheOutcome() {
    Run r = run("submit", "echo", "--queue", queue, "--args", "{\"a\":1}", "--wait", "20s");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("SUCCESS").contains("result {\"a\":1}").contains("STARTED");
  }

  @Test
  void submitPrintsTheIdThenStatusShowsIt() {
    Run submitted = run("submit", "echo", "--queue", queue, "--countdown", "30s");
    String id = submitted.out().strip();

    Run status = run("status", id);

    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains(id).contains(TaskState.SCHEDULED.name());
    assertThat(run("status", id, "--json").out()).contains("\"state\":\"SCHEDULED\"");
    Run revoked = run("revoke", id);
    assertThat(revoked.out()).contains("revoked " + id);
    assertThat(run("status", id).out()).contains("REVOKED");
  }

  @Test
  void badInputIsAUsageError() {
    assertThat(run("submit", "echo", "--countdown", "soon").exit()).isEqualTo(2);
    assertThat(run("submit", "echo", "--args", "{nope").exit()).isEqualTo(2);
    assertThat(run("status", "no-such-task").exit()).isEqualTo(1);
  }

  @Test
  void durationsTakeTheOneGrammarDaysIncluded() {
    Run submitted = run("submit", "echo", "--queue", queue, "--countdown", "1d");

    assertThat(submitted.exit()).as(submitted.err()).isZero();
    assertThat(run("status", submitted.out().strip()).out()).contains("SCHEDULED");
    assertThat(run("submit", "echo", "--countdown", "soon").err())
        .contains("--countdown 'soon' is not a duration");
  }

  @Test
  void listFiltersByStateNameAndTime() {
    Run ok = run("submit", "echo", "--queue", queue, "--args", "{\"a\":1}", "--wait", "20s");
    assertThat(ok.exit()).as(ok.err()).isZero();
    String id = ok.out().lines().findFirst().orElseThrow().split(" ")[0];

    Run listed = run("list", "--name", "echo", "--state", "success", "--since", "5m");
    Run none = run("list", "--name", "echo", "--until", "2000-01-01T00:00:00Z");
    Run json = run("list", "--name", "echo", "--limit", "1", "--json");

    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains(id).contains("SUCCESS");
    assertThat(none.out()).doesNotContain(id);
    assertThat(json.out().lines()).hasSize(1);
    assertThat(json.out()).startsWith("{");
  }

  @Test
  void listAndSubmitRefuseBadValuesWithOneLine() {
    Run since = run("list", "--since", "yesterday");
    Run state = run("list", "--state", "RUNNING");
    Run range = run("list", "--since", "1h", "--until", "2h");
    Run priority = run("submit", "echo", "--queue", queue, "--priority", "5");

    assertThat(since.exit()).isEqualTo(2);
    assertThat(since.err()).contains("--since 'yesterday' is neither an ISO-8601 instant");
    assertThat(state.exit()).isEqualTo(2);
    assertThat(state.err()).contains("--state 'RUNNING' is not a task state");
    assertThat(range.exit()).isEqualTo(2);
    assertThat(range.err()).contains("is not before until");
    assertThat(priority.exit()).isEqualTo(2);
    assertThat(priority.err()).contains("task priority 5 needs a priority queue");
  }

  @Test
  void limitsShowsTheDeclaredLimitsAndTheirUse() {
    String name = "cli-limited-" + UUID.randomUUID().toString().substring(0, 6);
    worker.tasks().limit(name, dev.warren.tasks.TaskLimits.parse("20/s").concurrency(3));

    Run r = run("limits");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains(name + " rate 20/1s, concurrency 3, per key -: 0 running");
  }
}
