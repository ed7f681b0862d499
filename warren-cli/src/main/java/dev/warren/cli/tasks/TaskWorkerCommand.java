package dev.warren.cli.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import dev.warren.Warren;
import dev.warren.cli.CliContext;
import dev.warren.cli.UsageException;
import dev.warren.cli.targets.ExecTarget;
import dev.warren.cli.targets.HttpTarget;
import dev.warren.codec.JsonDataCodec;
import dev.warren.tasks.TaskContext;
import dev.warren.tasks.TaskHandler;
import dev.warren.tasks.TaskOptions;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warren tasks worker}: runs the tasks of one name with a command ({@code --exec}) or an
 * HTTP endpoint ({@code --forward}), so task handlers can be written in any language. Runs until
 * SIGINT or SIGTERM; then running tasks get the shutdown timeout and the others stay queued.
 *
 * <pre>{@code
 * warren tasks worker --task image.render --exec './render.py' --workers 4
 * warren tasks worker --task report.build --forward http://localhost:8080/build
 * }</pre>
 *
 * <p>Standard output stays empty: one line per task and a summary at exit go to standard error.
 */
@Command(
    name = "worker",
    description = {
      "Run the tasks of one name with a command or an HTTP endpoint.",
      "--exec runs '/bin/sh -c CMD' with the task's arguments as one line of JSON on standard"
          + " input; exit code 0 is success and standard output is the result (JSON, or else kept"
          + " as a JSON string); any other exit code fails the attempt with the tail of standard"
          + " error. A line 'progress 0.4 {\"step\":2}' on standard error reports progress.",
      "--forward POSTs the arguments as JSON (headers Warren-Task-Id, Warren-Task-Name,"
          + " Warren-Task-Attempt); a 2xx answer's body is the result, anything else fails the"
          + " attempt (4xx other than 408 and 429 without retries).",
      "Failed attempts are retried as the task's maxRetries says. A revoked task's command is"
          + " killed, its request cancelled.",
      "Runs until Ctrl-C or SIGTERM."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren tasks worker --task image.render --exec './render.py' --workers 4",
      "  warren tasks worker --task report.build --forward http://localhost:8080/build"
    })
public final class TaskWorkerCommand implements Callable<Integer> {
  /** How long connecting to a {@code --forward} endpoint may take. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern PROGRESS = Pattern.compile("progress\\s+(\\S+)(?:\\s+(.*))?");

  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<Warren> instances = new ArrayList<>();
  private boolean stopRequested;
  private boolean summarized;

  @Spec CommandSpec spec;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "NAME",
      description = "The task name to run.")
  String task;

  @Option(
      names = "--exec",
      paramLabel = "CMD",
      description = "Run '/bin/sh -c CMD' for each task, its arguments as JSON on standard input.")
  String exec;

  @Option(
      names = "--forward",
      paramLabel = "URL",
      description = "POST each task's arguments as JSON to URL.")
  String forward;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Tasks run at the same time (default ${DEFAULT-VALUE}); each is a connection of its own.")
  int workers;

  @Option(
      names = "--queue",
      paramLabel = "QUEUE",
      defaultValue = TaskOptions.DEFAULT_QUEUE,
      description = "The task queue to consume (default ${DEFAULT-VALUE}).")
  String queue;

  @Option(
      names = {"-q", "--quiet"},
      description = "No line per task on standard error, only the summary.")
  boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    // why: everything is checked before connecting, so bad input consumes no task
    TaskHandler target = target();
    if (workers < 1 || workers > 256) {
      throw new UsageException("--workers " + workers + " is not between 1 and 256");
    }
    try {
      TaskOptions.builder().queue(queue);
    } catch (IllegalArgumentException | InvalidInputException e) {
      throw new UsageException("--queue: " + e.getMessage(), e);
    }
    CliContext cli = CliContext.of(spec);
    PrintWriter err = cli.err();
    Thread hook = new Thread(this::stop, "warren-task-worker-stop");
    try {
      for (int i = 0; i < workers; i++) {
        // why: an instance per worker, each a connection of its own running one task at a time
        Warren w = cli.connect(cli.options());
        synchronized (this) {
          instances.add(w);
        }
        try {
          w.tasks().register(task, queue, ctx -> run(target, ctx, err));
        } catch (IllegalArgumentException | InvalidInputException e) {
          throw new UsageException("--task: " + e.getMessage(), e);
        }
      }
      err.println(
          "Task worker "
              + task
              + " on "
              + queue
              + " → "
              + describe()
              + " ("
              + workers
              + (workers == 1 ? " worker" : " workers")
              + "); Ctrl-C to stop.");
      err.flush();
      Runtime.getRuntime().addShutdownHook(hook);
      running.countDown();
      synchronized (this) {
        if (stopRequested) {
          stop();
        }
      }
      stopped.await();
    } finally {
      removeHook(hook);
      stop();
    }
    return 0;
  }

  private Object run(TaskHandler target, TaskContext ctx, PrintWriter err) throws Exception {
    long start = System.nanoTime();
    try {
      Object result = target.handle(ctx);
      succeeded.incrementAndGet();
      line(
          err,
          "ok "
              + ctx.id()
              + " attempt "
              + ctx.attempt()
              + " "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
              + " ms");
      return result;
    } catch (Exception e) {
      failed.incrementAndGet();
      line(err, "failed " + ctx.id() + " attempt " + ctx.attempt() + ": " + e.getMessage());
      throw e;
    }
  }

  private void line(PrintWriter err, String text) {
    if (!quiet) {
      synchronized (err) {
        err.println(text);
        err.flush();
      }
    }
  }

  /**
   * Stops the worker: closes every connection (running tasks get the shutdown timeout) and prints
   * the summary. Called on SIGINT/SIGTERM; idempotent.
   */
  synchronized void stop() {
    stopRequested = true;
    if (!instances.isEmpty() && !summarized) {
      summarized = true;
      for (Warren w : instances) {
        try {
          w.close();
        } catch (RuntimeException e) {
          // why: one connection failing to close must not keep the others open
          spec.commandLine().getErr().println("closing a worker connection: " + e);
        }
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "Task worker "
              + task
              + " stopped: "
              + succeeded.get()
              + " succeeded, "
              + failed.get()
              + " failed attempt(s).");
      err.flush();
    }
    stopped.countDown();
  }

  /**
   * @param timeout how long to wait
   * @return whether the worker is registered and running tasks
   */
  boolean awaitRunning(Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private String describe() {
    return exec != null ? new ExecTarget(exec).describe() : "POST " + forward;
  }

  private TaskHandler target() {
    if ((exec == null) == (forward == null)) {
      throw new UsageException("give exactly one of --exec CMD or --forward URL");
    }
    if (exec != null) {
      if (exec.isBlank()) {
        throw new UsageException("--exec needs a command");
      }
      return new Exec(new ExecTarget(exec));
    }
    return new Forward(new HttpTarget(HttpTarget.url("--forward", forward), CONNECT_TIMEOUT));
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or ran; nothing to undo
    }
  }

  /**
   * @return the output as the task's result: JSON as it is, other text as a JSON string, nothing as
   *     {@code null}
   */
  static JsonNode result(String output) {
    String text = output.strip();
    if (text.isEmpty()) {
      return null;
    }
    try {
      JsonNode node = JsonDataCodec.MAPPER.readTree(text);
      return node.isNull() ? null : node;
    } catch (JsonProcessingException e) {
      return JsonDataCodec.MAPPER.getNodeFactory().textNode(text);
    }
  }

  private static String args(TaskContext ctx) {
    return ctx.argsJson() == null ? "null" : ctx.argsJson();
  }

  /**
   * Runs the command per task: the arguments as one line of JSON on its standard input, its
   * standard output the result; {@code progress <fraction> [<json>]} lines on its standard error
   * report progress. No timeout of its own: the task's time limits interrupt it.
   */
  static final class Exec implements TaskHandler {
    private final ExecTarget command;

    Exec(ExecTarget command) {
      this.command = command;
    }

    @Override
    public Object handle(TaskContext ctx) throws Exception {
      byte[] input = (args(ctx) + "\n").getBytes(StandardCharsets.UTF_8);
      ExecTarget.Result r = command.run(input, null, ctx::isCancelled, line -> progress(line, ctx));
      if (r.cancelled()) {
        ctx.checkCancelled();
        throw new IllegalStateException("task " + ctx.id() + " was cancelled");
      }
      r.requireSuccess();
      return result(r.output());
    }

    private static boolean progress(String line, TaskContext ctx) {
      Matcher m = PROGRESS.matcher(line.strip());
      if (!m.matches()) {
        return false;
      }
      try {
        double fraction = Double.parseDouble(m.group(1));
        JsonNode meta = m.group(2) == null ? null : JsonDataCodec.MAPPER.readTree(m.group(2));
        ctx.progress(fraction, meta);
        return true;
      } catch (NumberFormatException | JsonProcessingException e) {
        return false;
      } catch (IllegalArgumentException | InvalidInputException e) {
        // why: a fraction outside [0, 1] is the command's mistake; keep the line for the error
        return false;
      }
    }
  }

  /**
   * POSTs each task's arguments as JSON, with its id, name and attempt in headers; a 2xx answer's
   * body is the result. A 4xx answer other than 408 and 429 fails the task without retries: the
   * endpoint refused the arguments, and sending them again cannot help.
   */
  static final class Forward implements TaskHandler {
    private final HttpTarget endpoint;

    Forward(HttpTarget endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public Object handle(TaskContext ctx) throws Exception {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/json");
      headers.put("Accept", "application/json");
      headers.put("Warren-Task-Id", ctx.id());
      headers.put("Warren-Task-Name", ctx.name());
      headers.put("Warren-Task-Attempt", Integer.toString(ctx.attempt()));
      HttpResponse<byte[]> response =
          endpoint.post(
              headers, args(ctx).getBytes(StandardCharsets.UTF_8), null, ctx::isCancelled);
      if (response == null) {
        ctx.checkCancelled();
        throw new IllegalStateException("task " + ctx.id() + " was cancelled");
      }
      int status = response.statusCode();
      byte[] body = response.body() == null ? new byte[0] : response.body();
      if (status >= 200 && status <= 299) {
        return result(new String(body, StandardCharsets.UTF_8));
      }
      RuntimeException failure = endpoint.answered(status, body);
      if (status >= 400 && status <= 499 && status != 408 && status != 429) {
        throw new NonRetryableException(failure.getMessage());
      }
      throw failure;
    }
  }
}
