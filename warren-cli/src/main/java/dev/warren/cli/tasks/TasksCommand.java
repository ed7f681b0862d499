package dev.warren.cli.tasks;

import dev.warren.Warren;
import dev.warren.internal.tasks.TaskStatusJson;
import dev.warren.internal.tasks.TaskStoreConfig;
import dev.warren.internal.tasks.TaskStores;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskTransition;
import dev.warren.tasks.spi.TaskStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code warren tasks submit|status|revoke}. {@code status} reads the task store of {@code
 * WARREN_STORE_URL} only (no broker needed); {@code submit} and {@code revoke} connect to the
 * broker too, as the task's message and its events go through it.
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
      TaskWorkerCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren tasks submit image.render --args '{\"path\":\"cat.jpg\"}' --countdown 10s",
      "  warren tasks submit report.build --wait 2m",
      "  warren tasks status 3f1c…",
      "  warren tasks revoke 3f1c…"
    })
public final class TasksCommand implements Callable<Integer> {
  /** Exit code of a task that ended in FAILURE or REVOKED, or is unknown. */
  public static final int EXIT_TASK_FAILED = 1;

  @Spec CommandSpec spec;

  private Supplier<Warren> connector = Warren::fromEnvironment;
  private Supplier<TaskStore> storeOpener =
      () -> TaskStores.open(TaskStoreConfig.fromEnvironment());

  /**
   * @param connector how to connect to the broker, for tests and embedding
   * @param storeOpener how to open the task store
   * @return this command
   */
  public TasksCommand using(Supplier<Warren> connector, Supplier<TaskStore> storeOpener) {
    this.connector = connector;
    this.storeOpener = storeOpener;
    return this;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  static Duration duration(CommandLine cl, String what, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(t.replaceAll("(ms|s|m|h)$", ""));
      if (t.endsWith("ms")) {
        return Duration.ofMillis(n);
      }
      if (t.endsWith("m")) {
        return Duration.ofMinutes(n);
      }
      if (t.endsWith("h")) {
        return Duration.ofHours(n);
      }
      return Duration.ofSeconds(n);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new CommandLine.ParameterException(
          cl, what + " '" + text + "' is not a duration: use 500ms, 10s, 5m, 2h or PT10S");
    }
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
    @ParentCommand TasksCommand parent;
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
        names = "--wait",
        paramLabel = "TIMEOUT",
        arity = "0..1",
        fallbackValue = "5m",
        description = "Wait for the task to finish (default up to 5m) and print its status.")
    String wait;

    @Override
    public Integer call() {
      CommandLine cl = spec.commandLine();
      TaskOptions.Builder b = TaskOptions.builder();
      Object data;
      try {
        b.queue(queue);
        if (countdown != null) {
          b.countdown(duration(cl, "--countdown", countdown));
        }
        if (eta != null) {
          b.eta(Instant.parse(eta));
        }
        if (maxRetries != null) {
          b.maxRetries(maxRetries);
        }
        if (timeLimit != null) {
          b.timeLimit(duration(cl, "--time-limit", timeLimit));
        }
        data = args == null ? null : dev.warren.codec.JsonDataCodec.MAPPER.readTree(args);
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new CommandLine.ParameterException(cl, e.getMessage());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new CommandLine.ParameterException(
            cl, "--args is not valid JSON: " + e.getOriginalMessage());
      }
      TaskOptions options = b.build();
      PrintWriter out = cl.getOut();
      try (Warren warren = parent.connector.get()) {
        TaskHandle<?> h = warren.tasks().submit(name, data, options);
        if (wait == null) {
          out.println(h.id());
          out.flush();
          return 0;
        }
        TaskStatus s = h.await(duration(cl, "--wait", wait));
        print(out, s);
        return s.state() == TaskState.SUCCESS ? 0 : EXIT_TASK_FAILED;
      }
    }
  }

  /** {@code warren tasks status <id>}. */
  @Command(
      name = "status",
      description = "Show a task's state and history.",
      mixinStandardHelpOptions = true)
  static final class Status implements Callable<Integer> {
    @ParentCommand TasksCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<id>", description = "The task id.")
    String id;

    @Option(names = "--json", description = "Print the whole status as JSON.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TaskStore store = parent.storeOpener.get()) {
        Optional<TaskStatus> s = store.get(id);
        if (s.isEmpty()) {
          spec.commandLine()
              .getErr()
              .println(
                  "No task "
                      + id
                      + " in "
                      + store.describe()
                      + " (unknown, or its result expired)");
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
  }

  /** {@code warren tasks revoke <id>}. */
  @Command(
      name = "revoke",
      description = "Revoke a task, durably.",
      mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @ParentCommand TasksCommand parent;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<id>", description = "The task id.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Warren warren = parent.connector.get()) {
        boolean revoked = warren.tasks().task(id).revoke();
        out.println(revoked ? "revoked " + id : id + " had already finished; nothing to revoke");
        out.flush();
        return 0;
      }
    }
  }
}
