package dev.warren.cli.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.cli.CliContext;
import dev.warren.cli.UsageException;
import dev.warren.codec.CloudEventsJson;
import dev.warren.codec.TaskStatusJson;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskTransition;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren tasks submit|status|revoke|worker}. {@code status} reads the task store of {@code
 * WARREN_STORE_URL} only, through {@link CliContext#storeReader(boolean)} (no broker needed);
 * {@code submit} and {@code revoke} connect to the broker too, as the task's message and its events
 * go through it.
 */
@Command(
    name = "tasks",
    description = {
      "Submit, inspect and revoke tasks.",
      "State lives in the store of WARREN_STORE_URL (memory: is per process; use PostgreSQL or"
          + " Redis to share it)."
    },
    mixinStandardHelpOptions = true,
    subcommands = {
      TasksCommand.Submit.class,
      TasksCommand.Status.class,
      TasksCommand.Revoke.class,
      TasksCommand.ListTasks.class,
      TasksCommand.Limits.class,
      TaskWorkerCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren tasks submit image.render --args '{\"path\":\"cat.jpg\"}' --countdown 10s",
      "  warren tasks submit report.build --wait 2m",
      "  warren tasks status 3f1c…",
      "  warren tasks revoke 3f1c…",
      "  warren tasks list --state FAILURE --name image.render --since 1h",
      "  warren tasks limits"
    })
public final class TasksCommand implements Callable<Integer> {
  /** Exit code of a task that ended in FAILURE or REVOKED, or is unknown. */
  public static final int EXIT_TASK_FAILED = 1;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  static void print(PrintWriter out, TaskStatus s) {
    out.printf(
        "%s %s %s attempt %d%s%n",
        s.id(),
        s.name(),
        s.state(),
        s.attempt(),
        s.progress() == null
            ? ""
            : String.format(Locale.ROOT, " progress %.0f%%", s.progress() * 100));
    out.printf(
        "  queue %s, due %s, last changed %s by %s%n",
        s.queue(), s.eta(), s.updatedAt(), s.worker());
    if (s.result() != null) {
      out.println("  result " + s.result());
    }
    if (s.error() != null && s.state() == TaskState.FAILURE) {
      out.println("  error " + s.error().type() + ": " + s.error().message());
    }
    for (TaskTransition t : s.history()) {
      out.printf(
          "  %s %-8s %s attempt %d%s%n",
          t.at(), t.state(), t.worker(), t.attempt(), t.detail() == null ? "" : " — " + t.detail());
    }
    out.flush();
  }

  /** {@code warren tasks submit <name>}. */
  @Command(
      name = "submit",
      description = "Submit a task; prints its id.",
      mixinStandardHelpOptions = true)
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name>", description = "The task name.")
    String name;

    @Option(names = "--args", paramLabel = "JSON", description = "The arguments, as JSON.")
    String args;

    @Option(
        names = "--queue",
        paramLabel = "QUEUE",
        description = "The task queue (default ${DEFAULT-VALUE}).",
        defaultValue = TaskOptions.DEFAULT_QUEUE)
    String queue;

    @Option(
        names = "--countdown",
        paramLabel = "DURATION",
        description = "Run after this delay, e.g. 10s.")
    String countdown;

    @Option(names = "--eta", paramLabel = "INSTANT", description = "Run at this time, ISO-8601.")
    String eta;

    @Option(names = "--max-retries", paramLabel = "N", description = "Retries after failures.")
    Integer maxRetries;

    @Option(names = "--time-limit", paramLabel = "DURATION", description = "Hard time limit.")
    String timeLimit;

    @Option(
        names = "--priority",
        paramLabel = "0-9",
        description = "Priority, higher runs first; needs a queue whose name ends in .priority.")
    Integer priority;

    @Option(
        names = "--limit-key",
        paramLabel = "KEY",
        description = "What the task name's per-key concurrency limit counts by, e.g. a customer.")
    String limitKey;

    @Option(
        names = "--wait",
        paramLabel = "TIMEOUT",
        arity = "0..1",
        fallbackValue = "5m",
        description = "Wait for the task to finish (default up to 5m) and print its status.")
    String wait;

    @Override
    public Integer call() {
      CliContext ctx = CliContext.of(spec);
      // why: everything is checked before connecting, so bad input submits nothing
      TaskOptions.Builder b = TaskOptions.builder();
      JsonNode data;
      try {
        b.queue(queue);
        if (countdown != null) {
          b.countdown(CliContext.duration("--countdown", countdown));
        }
        if (eta != null) {
          b.eta(Instant.parse(eta));
        }
        if (maxRetries != null) {
          b.maxRetries(maxRetries);
        }
        if (timeLimit != null) {
          b.timeLimit(CliContext.positiveDuration("--time-limit", timeLimit));
        }
        if (priority != null) {
          b.priority(priority);
        }
        if (limitKey != null) {
          b.limitKey(limitKey);
        }
        b.build();
      } catch (IllegalArgumentException | InvalidInputException e) {
        throw new UsageException(e.getMessage(), e);
      } catch (DateTimeParseException e) {
        throw new UsageException("--eta '" + eta + "' is not an ISO-8601 instant", e);
      }
      try {
        data = args == null ? null : CloudEventsJson.parse(args.getBytes(StandardCharsets.UTF_8));
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--args is " + e.getMessage(), e.getCause());
      }
      Duration waitFor = wait == null ? null : CliContext.positiveDuration("--wait", wait);
      TaskOptions options = b.build();
      PrintWriter out = ctx.out();
      TaskHandle<?> h = ctx.warren().tasks().submit(name, data, options);
      if (waitFor == null) {
        out.println(h.id());
        out.flush();
        return 0;
      }
      TaskStatus s = h.await(waitFor);
      print(out, s);
      return s.state() == TaskState.SUCCESS ? 0 : EXIT_TASK_FAILED;
    }
  }

  /** {@code warren tasks status <id>}. */
  @Command(
      name = "status",
      description = "Show a task's state and history.",
      mixinStandardHelpOptions = true)
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<id>", description = "The task id.")
    String id;

    @Option(names = "--json", description = "Print the whole status as JSON.")
    boolean json;

    @Override
    public Integer call() {
      CliContext ctx = CliContext.of(spec);
      PrintWriter out = ctx.out();
      Warren store = ctx.storeReader(false);
      Optional<TaskStatus> s = store.admin().task(id);
      if (s.isEmpty()) {
        ctx.err()
            .println(
                "No task "
                    + id
                    + " in "
                    + store.tasks().describeStore()
                    + " (unknown, or its result expired)");
        ctx.err().flush();
        return EXIT_TASK_FAILED;
      }
      if (json) {
        out.println(TaskStatusJson.write(s.get()));
        out.flush();
      } else {
        print(out, s.get());
      }
      return 0;
    }
  }

  /** {@code warren tasks revoke <id>}. */
  @Command(
      name = "revoke",
      description = "Revoke a task, durably.",
      mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<id>", description = "The task id.")
    String id;

    @Override
    public Integer call() {
      CliContext ctx = CliContext.of(spec);
      boolean revoked = ctx.warren().tasks().task(id).revoke();
      ctx.out()
          .println(revoked ? "revoked " + id : id + " had already finished; nothing to revoke");
      ctx.out().flush();
      return 0;
    }
  }

  /** {@code warren tasks list}. */
  @Command(
      name = "list",
      description = "List tasks from the store, most recently changed first.",
      mixinStandardHelpOptions = true)
  static final class ListTasks implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--state",
        paramLabel = "STATES",
        description = "Comma-separated states, e.g. FAILURE,RETRY.")
    String state;

    @Option(names = "--name", paramLabel = "NAME", description = "One task name.")
    String name;

    @Option(
        names = "--since",
        paramLabel = "WHEN",
        description = "Changed at or after: an ISO-8601 instant, or a duration ago (15m, 2h).")
    String since;

    @Option(
        names = "--until",
        paramLabel = "WHEN",
        description = "Changed before: an ISO-8601 instant, or a duration ago.")
    String until;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most this many, 1-1000 (default ${DEFAULT-VALUE}).",
        defaultValue = "100")
    int limit;

    @Option(names = "--json", description = "Print each status as one line of JSON.")
    boolean json;

    @Override
    public Integer call() {
      CliContext ctx = CliContext.of(spec);
      // why: everything is checked before the store is opened
      dev.warren.admin.TaskQuery query;
      try {
        query =
            new dev.warren.admin.TaskQuery(
                states(state), name, when("--since", since), when("--until", until), limit);
      } catch (InvalidInputException e) {
        throw new UsageException(e.getMessage(), e);
      }
      PrintWriter out = ctx.out();
      for (TaskStatus s : ctx.storeReader(false).admin().tasks(query)) {
        if (json) {
          out.println(TaskStatusJson.write(s));
        } else {
          out.printf(
              "%s %-28s %-9s attempt %d changed %s%n",
              s.id(), s.name(), s.state(), s.attempt(), s.updatedAt());
        }
      }
      out.flush();
      return 0;
    }

    private static java.util.Set<TaskState> states(String text) {
      if (text == null) {
        return java.util.Set.of();
      }
      java.util.Set<TaskState> states = java.util.EnumSet.noneOf(TaskState.class);
      for (String part : text.split(",", -1)) {
        try {
          states.add(TaskState.valueOf(part.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new UsageException(
              "--state '"
                  + part.strip()
                  + "' is not a task state: use "
                  + java.util.Arrays.toString(TaskState.values()),
              e);
        }
      }
      return states;
    }

    private static Instant when(String option, String text) {
      if (text == null) {
        return null;
      }
      try {
        return Instant.parse(text.strip());
      } catch (DateTimeParseException e) {
        // not an instant: a duration ago
      }
      try {
        return Instant.now().minus(CliContext.duration(option, text));
      } catch (UsageException e) {
        throw new UsageException(
            option
                + " '"
                + text
                + "' is neither an ISO-8601 instant (2026-01-31T12:00:00Z) nor a duration ago"
                + " (15m, 2h, 1d)",
            e);
      }
    }
  }

  /** {@code warren tasks limits}. */
  @Command(
      name = "limits",
      description =
          "Show the declared task limits and their use now, across all workers sharing the store.",
      mixinStandardHelpOptions = true)
  static final class Limits implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      CliContext ctx = CliContext.of(spec);
      PrintWriter out = ctx.out();
      java.util.List<dev.warren.tasks.TaskLimitUsage> all;
      try {
        all = ctx.storeReader(false).admin().taskLimits();
      } catch (InvalidInputException e) {
        throw new UsageException(e.getMessage(), e);
      }
      if (all.isEmpty()) {
        out.println("no task limits declared");
      }
      for (dev.warren.tasks.TaskLimitUsage u : all) {
        dev.warren.tasks.TaskLimits l = u.limits();
        out.printf(
            "%s rate %s, concurrency %s, per key %s: %d running%s, %d started in the window,"
                + " %d sent to wait%n",
            u.name(),
            l.rateText() == null ? "-" : l.rateText(),
            l.concurrency() == 0 ? "-" : Integer.toString(l.concurrency()),
            l.perKeyConcurrency() == 0 ? "-" : Integer.toString(l.perKeyConcurrency()),
            u.running(),
            u.runningByKey().isEmpty() ? "" : " " + new java.util.TreeMap<>(u.runningByKey()),
            u.startsInWindow(),
            u.deferred());
      }
      out.flush();
      return 0;
    }
  }
}
