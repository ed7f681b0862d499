package dev.warren.cli.worker;

import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.cli.CliContext;
import dev.warren.cli.UsageException;
import dev.warren.cli.targets.ExecTarget;
import dev.warren.cli.targets.HttpTarget;
import dev.warren.cli.targets.TargetFailedException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warren worker}: consumes a subscription and hands every event to an HTTP endpoint ({@code
 * --forward}) or a command ({@code --exec}), so handlers can be written in any language. Runs until
 * SIGINT or SIGTERM; then in-flight events finish and the others go back to the queue.
 *
 * <p>Standard output stays empty: one line per handled event and a summary at exit go to standard
 * error. Replies the target answers with are published from the handler, so they carry the incoming
 * event's correlation id and its id as causation id.
 *
 * <pre>{@code
 * warren worker --subscription thumbnails --pattern 'image.uploaded' \
 *     --forward http://localhost:8080/thumbnail --workers 4 --max-attempts 5 --backoff 1s,10s,1m
 * }</pre>
 */
@Command(
    name = "worker",
    description = {
      "Consume a subscription and hand each event to an HTTP endpoint or a command.",
      "--forward POSTs it in CloudEvents HTTP binary mode (ce-* headers, data as body); 2xx is"
          + " success. --exec runs '/bin/sh -c CMD' with the event as CloudEvents JSON on standard"
          + " input; exit code 0 is success. Anything else is retried, then dead-lettered"
          + " (see 'warren dlq').",
      "A response that is itself a CloudEvent (ce-* headers or application/cloudevents+json), or"
          + " a line of the command's output that is CloudEvents JSON, is published as a reply"
          + " caused by the event (id and source may be left out).",
      "Retries: --max-attempts N runs the handler at most N times, waiting the --backoff delays"
          + " between attempts (the last delay repeats); --backoff alone means one attempt more"
          + " than delays given; neither keeps Warren's default (2 immediate retries, then 5s,"
          + " 30s, 5m).",
      "Runs until Ctrl-C or SIGTERM: in-flight events finish, the rest go back to the queue."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren worker --subscription thumbnails --pattern 'image.uploaded' \\",
      "      --forward http://localhost:8080/thumbnail --workers 4",
      "  warren worker --subscription audit --pattern '#' --exec 'jq -c . >> audit.log'",
      "  warren worker --subscription ledger --pattern 'payment.*' --partitions 8 \\",
      "      --exec ./apply-payment.sh --max-attempts 5 --backoff 1s,10s,1m"
    })
public final class WorkerCommand implements Callable<Integer> {
  private static final int MAX_ATTEMPTS = 100;
  private static final List<Duration> DEFAULT_BACKOFF =
      List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));

  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong replies = new AtomicLong();
  private volatile Warren warren;
  private volatile boolean stopRequested;
  private boolean summarized;

  @Spec CommandSpec spec;

  @Option(
      names = "--subscription",
      required = true,
      paramLabel = "NAME",
      description = "Subscription (queue) name; workers with the same name share the events.")
  String subscription;

  @Option(
      names = "--pattern",
      required = true,
      paramLabel = "PATTERN",
      description = "Topic pattern to receive; repeat for several. * is one word, # zero or more.")
  List<String> patterns;

  @Option(
      names = "--forward",
      paramLabel = "URL",
      description = "POST each event to URL (CloudEvents HTTP binary mode).")
  String forward;

  @Option(
      names = "--exec",
      paramLabel = "CMD",
      description = "Run '/bin/sh -c CMD' for each event, the event as JSON on standard input.")
  String exec;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "1",
      description = "Events handled at the same time (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--prefetch",
      paramLabel = "N",
      description = "Events the broker may hand this worker ahead (default: at least --workers).")
  Integer prefetch;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description = "Run the handler at most N times per event, then dead-letter it.")
  Integer maxAttempts;

  @Option(
      names = "--backoff",
      paramLabel = "DELAYS",
      split = ",",
      description =
          "Waits between attempts, varied by up to 10%%, e.g. 1s,5s,30s (default 1s,5s,30s with"
              + " --max-attempts).")
  List<String> backoff;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description =
          "Handle events of one partitionkey in order, one at a time, spread over N partitions.")
  Integer partitions;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description = "How long a request or command may take (default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(
      names = {"-q", "--quiet"},
      description = "No line per event on standard error, only the summary.")
  boolean quiet;

  /** A worker configured by the context of the {@code warren} command it runs under. */
  public WorkerCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    // why: everything is checked before connecting, so bad input consumes nothing
    CliContext ctx = CliContext.of(spec);
    Duration limit = CliContext.positiveDuration("--timeout", timeout);
    Subscription s = subscription();
    WarrenOptions options = ctx.options();
    Replies parser = new Replies(options.source());
    Target target = target(limit, parser);
    PrintWriter err = ctx.err();
    Thread hook = new Thread(this::stop, "warren-worker-stop");
    try {
      Warren w = ctx.warren();
      warren = w;
      // why: registered before consuming, so a signal at any later point closes gracefully
      Runtime.getRuntime().addShutdownHook(hook);
      w.subscribe(s, event -> handle(w, target, event, err));
      err.println(
          "Worker "
              + s.name()
              + " "
              + s.patterns()
              + " → "
              + target.describe()
              + " ("
              + describe(s)
              + "); Ctrl-C to stop.");
      err.flush();
      running.countDown();
      if (stopRequested) {
        stop();
      }
      stopped.await();
    } finally {
      removeHook(hook);
      stop();
    }
    return 0;
  }

  private void handle(Warren w, Target target, Event event, PrintWriter err)
      throws InterruptedException {
    long start = System.nanoTime();
    List<Event> answers;
    try {
      answers = target.send(event);
      for (Event reply : answers) {
        // why: published on the handler thread, so Warren fills in correlation and causation;
        // waiting for the confirm before returning means the event is acknowledged only after
        // its replies are safe
        w.publish(reply).join();
        replies.incrementAndGet();
      }
    } catch (CompletionException e) {
      failures.incrementAndGet();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      line(err, "failed " + event.id() + " " + event.type() + ": publishing a reply: " + cause);
      throw new TargetFailedException("publishing a reply failed: " + cause, cause);
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      line(err, "failed " + event.id() + " " + event.type() + ": " + oneLine(e.getMessage()));
      throw e;
    }
    handled.incrementAndGet();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    line(
        err,
        "ok "
            + event.id()
            + " "
            + event.type()
            + " "
            + ms
            + " ms"
            + (answers.isEmpty()
                ? ""
                : ", " + answers.size() + " repl" + (answers.size() == 1 ? "y" : "ies")));
  }

  private void line(PrintWriter err, String text) {
    if (!quiet) {
      err.println(text);
      err.flush();
    }
  }

  /**
   * Stops the worker: in-flight events finish, the others go back to the queue, the summary is
   * printed. Called on SIGINT/SIGTERM; idempotent.
   */
  synchronized void stop() {
    stopRequested = true;
    Warren w = warren;
    if (w != null && !summarized) {
      summarized = true;
      w.close();
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "Worker "
              + subscription
              + " stopped: "
              + handled.get()
              + " handled, "
              + failures.get()
              + " failed attempt(s), "
              + replies.get()
              + " repl"
              + (replies.get() == 1 ? "y" : "ies")
              + " published.");
      err.flush();
    }
    stopped.countDown();
  }

  /**
   * @param timeout how long to wait
   * @return whether the worker is subscribed and handling events
   */
  boolean awaitRunning(Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * @return how many events were handled successfully so far
   */
  long handled() {
    return handled.get();
  }

  private Subscription subscription() {
    if (workers < 1 || workers > 1024) {
      throw usage("--workers " + workers + " is not between 1 and 1024");
    }
    Subscription s = Subscription.named(subscription);
    for (String p : patterns) {
      s = s.pattern(p);
    }
    s = s.concurrency(workers).retry(retryPolicy(maxAttempts, backoff()));
    if (prefetch != null) {
      s = s.prefetch(prefetch);
    }
    if (partitions != null) {
      s = s.partitions(partitions);
    }
    return s;
  }

  private List<Duration> backoff() {
    if (backoff == null) {
      return null;
    }
    List<Duration> delays = new ArrayList<>();
    for (String d : backoff) {
      delays.add(CliContext.positiveDuration("--backoff", d));
    }
    return delays;
  }

  /**
   * The retry policy of {@code --max-attempts} and {@code --backoff}: no immediate retries, then
   * {@code maxAttempts - 1} delayed retries with the given delays, the last repeated when fewer are
   * given. Only {@code --backoff}: one attempt more than delays. Neither: Warren's default.
   *
   * @param maxAttempts total attempts, or {@code null}
   * @param backoff the delays, or {@code null}
   * @return the policy, whose {@link RetryPolicy#maxAttempts()} is {@code maxAttempts}
   */
  RetryPolicy retryPolicy(Integer maxAttempts, List<Duration> backoff) {
    if (maxAttempts == null && backoff == null) {
      return RetryPolicy.defaults();
    }
    List<Duration> given = backoff == null ? DEFAULT_BACKOFF : backoff;
    if (given.isEmpty()) {
      throw usage("--backoff needs at least one delay, e.g. 1s,5s,30s");
    }
    int attempts = maxAttempts == null ? given.size() + 1 : maxAttempts;
    if (attempts < 1 || attempts > MAX_ATTEMPTS) {
      throw usage("--max-attempts " + attempts + " is not between 1 and " + MAX_ATTEMPTS);
    }
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < attempts - 1; i++) {
      delays.add(given.get(Math.min(i, given.size() - 1)));
    }
    return RetryPolicy.builder().immediateRetries(0).delays(delays).build();
  }

  private Target target(Duration limit, Replies parser) {
    if ((forward == null) == (exec == null)) {
      throw usage("give exactly one of --forward URL or --exec CMD");
    }
    if (exec != null) {
      if (exec.isBlank()) {
        throw usage("--exec needs a command");
      }
      return EventTargets.exec(new ExecTarget(exec), limit, parser);
    }
    return EventTargets.forward(
        new HttpTarget(HttpTarget.url("--forward", forward), limit), limit, parser);
  }

  private static String describe(Subscription s) {
    String how =
        s.mode() == Subscription.Mode.ORDERED
            ? "ordered by partitionkey over " + s.partitions() + " partitions"
            : s.concurrency() + " at a time";
    return how + ", at most " + s.retry().maxAttempts() + " attempt(s)";
  }

  private static UsageException usage(String message) {
    return new UsageException(message);
  }

  private static String oneLine(String message) {
    return message == null ? "unknown error" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or ran; nothing to undo
    }
  }
}
