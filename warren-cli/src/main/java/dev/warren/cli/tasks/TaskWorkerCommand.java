package dev.warren.cli.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.NonRetryableException;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.tasks.TaskContext;
import dev.warren.tasks.TaskHandler;
import dev.warren.tasks.TaskOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
  /** How much of a command's standard error, or of a failed answer's body, an error keeps. */
  static final int TAIL_CHARS = 500;

  /** How often a running command or request checks whether its task was revoked. */
  private static final long CANCEL_POLL_MS = 50;

  private static final Pattern PROGRESS = Pattern.compile("progress\\s+(\\S+)(?:\\s+(.*))?");

  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<Warren> instances = new ArrayList<>();
  private Supplier<Warren> connector = Warren::fromEnvironment;
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

  /**
   * @param connector how to connect to the broker, once per worker; for tests and embedding
   * @return this command
   */
  public TaskWorkerCommand using(Supplier<Warren> connector) {
    this.connector = connector;
    return this;
  }

  @Override
  public Integer call() throws InterruptedException {
    // why: everything is checked before connecting, so bad input consumes no task
    TaskHandler target = target();
    if (workers < 1 || workers > 256) {
      throw usage("--workers " + workers + " is not between 1 and 256");
    }
    try {
      TaskOptions.builder().queue(queue);
    } catch (IllegalArgumentException e) {
      throw usage("--queue: " + e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    Thread hook = new Thread(this::stop, "warren-task-worker-stop");
    try {
      for (int i = 0; i < workers; i++) {
        Warren w = connector.get();
        synchronized (this) {
          instances.add(w);
        }
        try {
          w.tasks().register(task, queue, ctx -> run(target, ctx, err));
        } catch (IllegalArgumentException e) {
          throw usage("--task: " + e.getMessage());
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
    return exec != null ? "command '" + exec + "'" : "POST " + forward;
  }

  private TaskHandler target() {
    if ((exec == null) == (forward == null)) {
      throw usage("give exactly one of --exec CMD or --forward URL");
    }
    if (exec != null) {
      if (exec.isBlank()) {
        throw usage("--exec needs a command");
      }
      return new Exec(exec);
    }
    URI url;
    try {
      url = new URI(forward);
    } catch (URISyntaxException e) {
      throw usage("--forward '" + forward + "' is not a URL: " + e.getMessage());
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw usage("--forward '" + forward + "' is not an http:// or https:// URL");
    }
    return new Forward(url);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
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

  static String excerpt(String text) {
    String t = text.strip().replaceAll("\\s*\\n\\s*", " | ");
    if (t.isEmpty()) {
      return "";
    }
    return ": " + (t.length() > TAIL_CHARS ? "…" + t.substring(t.length() - TAIL_CHARS) : t);
  }

  private static String args(TaskContext ctx) {
    return ctx.argsJson() == null ? "null" : ctx.argsJson();
  }

  /** Runs {@code /bin/sh -c CMD} per task. */
  static final class Exec implements TaskHandler {
    private final String command;

    Exec(String command) {
      this.command = command;
    }

    @Override
    public Object handle(TaskContext ctx) throws Exception {
      Process process;
      try {
        process = new ProcessBuilder("/bin/sh", "-c", command).start();
      } catch (IOException e) {
        throw new WarrenException("cannot start command '" + command + "': " + e.getMessage(), e);
      }
      byte[] input = (args(ctx) + "\n").getBytes(StandardCharsets.UTF_8);
      // why: input, output and error are pumped at once, so no full pipe stalls the command
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> write(process.getOutputStream(), input), Thread::startVirtualThread);
      CompletableFuture<String> stdout = readAll(process.getInputStream());
      CompletableFuture<String> stderr =
          CompletableFuture.supplyAsync(
              () -> readErrors(process.getErrorStream(), ctx), Thread::startVirtualThread);
      try {
        while (!process.waitFor(CANCEL_POLL_MS, TimeUnit.MILLISECONDS)) {
          if (ctx.isCancelled()) {
            kill(process);
            ctx.checkCancelled();
          }
        }
      } catch (InterruptedException e) {
        // why: the hard time limit or shutdown interrupts the handler; the command goes with it
        kill(process);
        throw e;
      }
      int exit = process.exitValue();
      writing.join();
      // why: wait for standard error too, so every progress line is reported before the result
      String errors = drain(stderr);
      String output = drain(stdout);
      if (exit != 0) {
        kill(process);
        throw new WarrenException(
            "command '" + command + "' exited with code " + exit + excerpt(errors));
      }
      return result(output);
    }

    private static void write(OutputStream in, byte[] input) {
      try (in) {
        in.write(input);
      } catch (IOException e) {
        // the command exited or closed its input without reading it all: its own business
      }
    }

    private static CompletableFuture<String> readAll(InputStream stream) {
      return CompletableFuture.supplyAsync(
          () -> {
            try (stream) {
              return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
              return "";
            }
          },
          Thread::startVirtualThread);
    }

    /**
     * Reports {@code progress <fraction> [<json>]} lines and keeps the tail of the others.
     *
     * @return the last lines that were not progress reports
     */
    private static String readErrors(InputStream stream, TaskContext ctx) {
      Deque<String> tail = new ArrayDeque<>();
      int chars = 0;
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (progress(line, ctx)) {
            continue;
          }
          tail.addLast(line);
          chars += line.length() + 1;
          while (chars > TAIL_CHARS * 2 && tail.size() > 1) {
            chars -= tail.removeFirst().length() + 1;
          }
        }
      } catch (IOException e) {
        // the command is gone; what was read is the tail
      }
      return String.join("\n", tail);
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
      } catch (IllegalArgumentException e) {
        // why: a fraction outside [0, 1] is the command's mistake; keep the line for the error
        return false;
      }
    }

    private static String drain(CompletableFuture<String> output) throws InterruptedException {
      try {
        return output.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // why: a child of the shell may hold the pipe open after the shell exited
        return "";
      }
    }

    private static void kill(Process process) {
      // why: sh -c may have started children that hold the pipes open after the shell is gone
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** POSTs each task's arguments to a URL. */
  static final class Forward implements TaskHandler {
    private final URI url;
    private final HttpClient client;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    Forward(URI url) {
      this.url = url;
      this.client =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              // why: a local plain-HTTP endpoint is spoken to without an h2c upgrade attempt
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }

    @Override
    public Object handle(TaskContext ctx) throws Exception {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .header("Warren-Task-Id", ctx.id())
              .header("Warren-Task-Name", ctx.name())
              .header("Warren-Task-Attempt", Integer.toString(ctx.attempt()))
              .POST(HttpRequest.BodyPublishers.ofString(args(ctx), StandardCharsets.UTF_8))
              .build();
      // why: the blocking send on a thread of its own, not sendAsync: sendAsync completes its
      // future through the common pool, which a busy process (or a two-core machine, where it has
      // one thread) may never free; cancelling the future interrupts the call
      Future<HttpResponse<String>> sent =
          calls.submit(
              () ->
                  client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
      HttpResponse<String> response;
      try {
        while (true) {
          try {
            response = sent.get(CANCEL_POLL_MS, TimeUnit.MILLISECONDS);
            break;
          } catch (TimeoutException e) {
            if (ctx.isCancelled()) {
              sent.cancel(true);
              ctx.checkCancelled();
            }
          }
        }
      } catch (InterruptedException e) {
        sent.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        throw new WarrenException("POST " + url + " failed: " + e.getCause(), e.getCause());
      }
      int status = response.statusCode();
      String body = response.body() == null ? "" : response.body();
      if (status >= 200 && status <= 299) {
        return result(body);
      }
      String message = "POST " + url + " answered " + status + excerpt(body);
      if (status >= 400 && status <= 499 && status != 408 && status != 429) {
        // why: the endpoint refused the arguments; sending them again cannot help
        throw new NonRetryableException(message);
      }
      throw new WarrenException(message);
    }
  }
}
