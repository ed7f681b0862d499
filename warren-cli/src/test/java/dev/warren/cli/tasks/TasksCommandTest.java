package dev.warren.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.internal.tasks.TaskStoreConfig;
import dev.warren.internal.tasks.TaskStores;
import dev.warren.tasks.TaskState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TasksCommandTest {
  private final InMemoryBroker broker = new InMemoryBroker();
  private WarrenEngine worker;
  private String queue;

  private WarrenEngine engine() {
    WarrenOptions o =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            .exchange("tasks-cli.events")
            .build();
    return WarrenEngine.start(o, new InMemoryTransport(broker));
  }

  @BeforeEach
  void startWorker() {
    queue = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    worker = engine();
    worker.tasks().register("echo", queue, ctx -> ctx.args(java.util.Map.class));
  }

  @AfterEach
  void stop() {
    worker.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl =
        new CommandLine(
            new TasksCommand()
                .using(this::engine, () -> TaskStores.open(new TaskStoreConfig("memory:"))));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
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
}
