package dev.warren.cli.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.cli.WarrenCli;
import dev.warren.schedules.Schedule;
import dev.warren.tasks.TaskState;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code warren schedules …} against schedules an application defined in the same store. */
class SchedulesCommandTest {
  private static final Map<String, String> ENV =
      Map.of(
          "WARREN_TRANSPORT", "memory",
          "WARREN_MEMORY_BROKER", "warren-cli-schedules-tests",
          "WARREN_EXCHANGE", "schedules-cli.events");

  private Warren app;
  private String name;

  @BeforeEach
  void defineSchedule() {
    name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    app = Warren.create(WarrenOptions.fromEnvironment(ENV));
    app.tasks().register(name + ".job", ctx -> "done");
    app.schedules()
        .define(
            Schedule.cron(name, "0 30 2 * * *").zone("Europe/Paris").task(name + ".job").build());
  }

  @AfterEach
  void stop() {
    app.schedules().delete(name);
    app.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new WarrenCli(ENV, new ByteArrayInputStream(new byte[0])).commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("schedules"));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void listPauseTriggerShowResumeDelete() {
    Run list = run("list");
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out())
        .contains(name + " cron '0 30 2 * * *' Europe/Paris task " + name + ".job running, next ");

    Run paused = run("pause", name);
    assertThat(paused.exit()).as(paused.err()).isZero();
    assertThat(paused.out()).contains("PAUSED");
    assertThat(app.schedules().get(name).orElseThrow().paused()).isTrue();

    Run triggered = run("trigger", name);
    assertThat(triggered.exit()).as(triggered.err()).isZero();
    String taskId = triggered.out().strip();
    assertThat(app.tasks().task(taskId).await(Duration.ofSeconds(20)).state())
        .isEqualTo(TaskState.SUCCESS);

    Run shown = run("show", name, "--limit", "5");
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.out()).contains("PAUSED").contains("FIRED").contains("manual task " + taskId);

    assertThat(run("resume", name).out()).contains("running, next ");
    assertThat(app.schedules().get(name).orElseThrow().paused()).isFalse();

    Run deleted = run("delete", name);
    assertThat(deleted.out()).contains("deleted " + name);
    assertThat(app.schedules().get(name)).isEmpty();
  }

  @Test
  void unknownSchedulesAndBadOptionsAreOneLineErrorsWithANonZeroExit() {
    for (String action : List.of("pause", "resume", "trigger", "delete", "show")) {
      Run r = run(action, "nope-" + name);
      assertThat(r.exit()).as(action).isNotZero();
      assertThat(r.err().strip())
          .as(action)
          .isEqualTo("warren: schedule 'nope-" + name + "' does not exist");
    }
    Run badLimit = run("show", name, "--limit", "0");
    assertThat(badLimit.exit()).isEqualTo(2);
    assertThat(badLimit.err().strip()).isEqualTo("warren: --limit must be 1 to 10000, not 0");
    Run missing = run("pause");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("<name>").hasLineCount(1);
  }
}
