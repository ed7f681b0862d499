package dev.warren.cli.schedules;

import dev.warren.Warren;
import dev.warren.cli.CliContext;
import dev.warren.cli.UsageException;
import dev.warren.schedules.Firing;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.Schedules;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren schedules list|show|pause|resume|trigger|delete}. All but {@code trigger} read and
 * write the store of {@code WARREN_STORE_URL} only (no broker needed); {@code trigger} submits a
 * task, so it connects to the broker too. The CLI never fires slots itself.
 */
@Command(
    name = "schedules",
    description = {
      "List and operate recurring schedules.",
      "Schedules live in the store of WARREN_STORE_URL (memory: is per process; use PostgreSQL or"
          + " Redis to share them)."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      SchedulesCommand.ListSchedules.class,
      SchedulesCommand.Show.class,
      SchedulesCommand.Pause.class,
      SchedulesCommand.Resume.class,
      SchedulesCommand.Trigger.class,
      SchedulesCommand.Delete.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren schedules list",
      "  warren schedules show nightly-report --limit 5",
      "  warren schedules pause nightly-report",
      "  warren schedules trigger nightly-report"
    })
public final class SchedulesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  private static Schedules fromStore(CommandSpec spec) {
    return CliContext.of(spec).storeReader(false).schedules();
  }

  static void print(PrintWriter out, ScheduleInfo s) {
    out.printf(
        "%s %s task %s %s%s%s%n",
        s.name(),
        s.when(),
        s.task(),
        s.paused() ? "PAUSED" : "running",
        s.nextSlot() == null ? "" : ", next " + s.nextSlot(),
        s.lastSlot() == null ? "" : ", last " + s.lastSlot());
  }

  static void print(PrintWriter out, Firing f) {
    out.printf(
        "  %s %-7s %s%s by %s%s%n",
        f.slot(),
        f.state(),
        f.manual() ? "manual " : "",
        f.taskId() == null ? "no task" : "task " + f.taskId(),
        f.instance(),
        f.detail() == null ? "" : " — " + f.detail());
  }

  /** {@code warren schedules list}. */
  @Command(
      name = "list",
      description = "List every schedule with its next slot.",
      mixinStandardHelpOptions = true)
  static final class ListSchedules implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = CliContext.of(spec).out();
      List<ScheduleInfo> all = fromStore(spec).list();
      if (all.isEmpty()) {
        out.println("no schedules");
      }
      all.forEach(s -> print(out, s));
      out.flush();
      return 0;
    }
  }

  /** {@code warren schedules show <name>}. */
  @Command(
      name = "show",
      description = "Show a schedule and its last firings.",
      mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name>", description = "The schedule.")
    String name;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "How many firings (default ${DEFAULT-VALUE}).",
        defaultValue = "20")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 10_000) {
        throw new UsageException("--limit must be 1 to 10000, not " + limit);
      }
      PrintWriter out = CliContext.of(spec).out();
      Schedules schedules = fromStore(spec);
      List<Firing> history = schedules.history(name, limit);
      print(out, schedules.get(name).orElseThrow());
      history.forEach(f -> print(out, f));
      out.flush();
      return 0;
    }
  }

  /** A subcommand that changes one schedule in the store and prints it as it is now. */
  abstract static class Change implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name>", description = "The schedule.")
    String name;

    abstract ScheduleInfo apply(Schedules schedules, String name);

    @Override
    public Integer call() {
      PrintWriter out = CliContext.of(spec).out();
      print(out, apply(fromStore(spec), name));
      out.flush();
      return 0;
    }
  }

  /** {@code warren schedules pause <name>}. */
  @Command(
      name = "pause",
      description = "Stop firing a schedule, on every instance.",
      mixinStandardHelpOptions = true)
  static final class Pause extends Change {
    @Override
    ScheduleInfo apply(Schedules schedules, String name) {
      return schedules.pause(name);
    }
  }

  /** {@code warren schedules resume <name>}. */
  @Command(
      name = "resume",
      description = "Fire a paused schedule again from its next slot.",
      mixinStandardHelpOptions = true)
  static final class Resume extends Change {
    @Override
    ScheduleInfo apply(Schedules schedules, String name) {
      return schedules.resume(name);
    }
  }

  /** {@code warren schedules trigger <name>}. */
  @Command(
      name = "trigger",
      description = "Fire a schedule once now (also when paused); prints the task id.",
      mixinStandardHelpOptions = true)
  static final class Trigger implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name>", description = "The schedule.")
    String name;

    @Override
    public Integer call() {
      CliContext ctx = CliContext.of(spec);
      Warren warren = ctx.warren();
      Firing f = warren.schedules().trigger(name);
      PrintWriter out = ctx.out();
      out.println(f.taskId());
      out.flush();
      return 0;
    }
  }

  /** {@code warren schedules delete <name>}. */
  @Command(
      name = "delete",
      description = "Delete a schedule and its history.",
      mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name>", description = "The schedule.")
    String name;

    @Override
    public Integer call() {
      if (!fromStore(spec).delete(name)) {
        throw new dev.warren.schedules.ScheduleNotFoundException(name);
      }
      PrintWriter out = CliContext.of(spec).out();
      out.println("deleted " + name);
      out.flush();
      return 0;
    }
  }
}
