package dev.warren.cli.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.cli.WarrenCli;
import dev.warren.cli.dlq.DlqCommand;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code warren worker} and {@code warren dlq} in-process the way {@code warren} runs them:
 * under {@link WarrenCli}'s error handling, with an injected environment.
 */
final class WorkerRun implements AutoCloseable {
  private final WorkerCommand command;
  private final StringWriter err = new StringWriter();
  private final Thread thread;
  private volatile int exit = -1;

  private WorkerRun(Map<String, String> env, String... args) {
    command = new WorkerCommand();
    CommandLine cli = root(env);
    // why: a command object the test keeps; WarrenCli registers its own "worker" already
    cli.getCommandSpec().removeSubcommand("worker");
    cli.addSubcommand(command);
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("worker"));
    all.addAll(List.of(args));
    thread = new Thread(() -> exit = cli.execute(all.toArray(String[]::new)), "test-worker");
    thread.start();
  }

  /** Starts a worker and waits until it consumes. */
  static WorkerRun start(Map<String, String> env, String... args) throws InterruptedException {
    WorkerRun run = new WorkerRun(env, args);
    if (!run.command.awaitRunning(Duration.ofSeconds(20))) {
      run.close();
      throw new AssertionError("worker did not start: " + run.err());
    }
    return run;
  }

  long handled() {
    return command.handled();
  }

  String err() {
    return err.toString();
  }

  /** Stops the worker as SIGTERM would and returns its exit code. */
  int stop() throws InterruptedException {
    command.stop();
    thread.join(Duration.ofSeconds(30));
    assertThat(thread.isAlive()).as("worker still running").isFalse();
    return exit;
  }

  @Override
  public void close() {
    if (thread.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** What a command that ends by itself did. */
  record Result(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  /** Runs {@code warren worker …} (expected to end, e.g. on bad input). */
  static Result worker(Map<String, String> env, String... args) {
    return run(env, new WorkerCommand(), "worker", args);
  }

  /** Runs {@code warren dlq …}. */
  static Result dlq(Map<String, String> env, String... args) {
    return run(env, new DlqCommand(), "dlq", args);
  }

  private static Result run(Map<String, String> env, Object command, String name, String[] args) {
    CommandLine cli = root(env);
    cli.getCommandSpec().removeSubcommand(name);
    cli.addSubcommand(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(name));
    all.addAll(List.of(args));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  private static CommandLine root(Map<String, String> env) {
    return new WarrenCli(env, new ByteArrayInputStream(new byte[0])).commandLine();
  }
}
