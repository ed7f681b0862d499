package dev.warren.cli.targets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Runs a command with {@code /bin/sh -c} once per call: the input on its standard input, its
 * standard output collected, the tail of its standard error kept for the failure message. A command
 * that runs past its timeout, or whose work is cancelled, is killed with every process it started.
 *
 * <pre>{@code
 * ExecTarget target = new ExecTarget("./render.py");
 * ExecTarget.Result r = target.run(input, Duration.ofSeconds(30), () -> false, line -> false);
 * r.requireSuccess(); // TargetFailedException: command './render.py' exited with code 3: <stderr>
 * }</pre>
 */
public final class ExecTarget {
  /** How much of the command's standard error a failure message keeps, in characters. */
  public static final int ERROR_TAIL = 500;

  /** How often a running command checks its deadline and whether it was cancelled. */
  private static final long POLL_MS = 50;

  /** How long the output may stay open after the command exited (a child may hold the pipe). */
  private static final Duration DRAIN = Duration.ofSeconds(10);

  private final String command;

  /**
   * @param command the command line, as {@code /bin/sh -c} takes it
   */
  public ExecTarget(String command) {
    this.command = command;
  }

  /**
   * @return what the target is, for messages: {@code command '<command>'}
   */
  public String describe() {
    return "command '" + command + "'";
  }

  /**
   * How one run ended.
   *
   * @param target the target that ran, for messages
   * @param exitCode the command's exit code; meaningless when cancelled
   * @param output its standard output, UTF-8
   * @param errorTail the end of its standard error (lines the error listener consumed left out),
   *     lines joined with {@code " | "}, at most {@value #ERROR_TAIL} characters
   * @param cancelled whether it was killed because its work was cancelled
   */
  public record Result(
      ExecTarget target, int exitCode, String output, String errorTail, boolean cancelled) {
    /**
     * @throws TargetFailedException when the command exited with another code than 0, naming the
     *     code and ending with the tail of its standard error
     */
    public void requireSuccess() {
      if (exitCode != 0) {
        throw new TargetFailedException(
            target.describe()
                + " exited with code "
                + exitCode
                + (errorTail.isEmpty() ? "" : ": " + errorTail));
      }
    }
  }

  /**
   * Runs the command once and waits for it.
   *
   * @param input written to its standard input, which is then closed
   * @param timeout how long it may run, or {@code null} for as long as it takes
   * @param cancelled asked every 50 ms; when it answers true the command is killed and the result
   *     says {@link Result#cancelled()}
   * @param errorLines sees each line of standard error as it comes; a line it answers true for is
   *     consumed (for example a progress report) and left out of the failure message
   * @return how it ended
   * @throws TargetFailedException when it cannot start, runs past its timeout, or leaves its output
   *     open long after it exited
   * @throws InterruptedException when the calling thread is interrupted; the command is killed
   */
  public Result run(
      byte[] input, Duration timeout, BooleanSupplier cancelled, Predicate<String> errorLines)
      throws InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder("/bin/sh", "-c", command).start();
    } catch (IOException e) {
      throw new TargetFailedException("cannot start " + describe() + ": " + e.getMessage(), e);
    }
    // why: input, output and error are pumped at the same time, so no pipe fills up and stalls
    // the command, and a command that never reads its input still runs
    CompletableFuture<Void> writing =
        CompletableFuture.runAsync(
            () -> write(process.getOutputStream(), input), Thread::startVirtualThread);
    CompletableFuture<String> stdout = readAll(process.getInputStream());
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(
            () -> readErrors(process.getErrorStream(), errorLines), Thread::startVirtualThread);
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    try {
      while (!process.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
        if (cancelled.getAsBoolean()) {
          kill(process);
          return new Result(this, -1, "", drain(stderr, Duration.ofSeconds(1)), true);
        }
        if (System.nanoTime() - deadline > 0) {
          kill(process);
          String tail = drain(stderr, Duration.ofSeconds(1));
          throw new TargetFailedException(
              describe()
                  + " timed out after "
                  + timeout.toMillis()
                  + " ms"
                  + (tail.isEmpty() ? "" : ": " + tail));
        }
      }
    } catch (InterruptedException e) {
      // why: a hard time limit or a shutdown interrupts the caller; the command goes with it
      kill(process);
      throw e;
    }
    int exit = process.exitValue();
    writing.join();
    // why: standard error first, so every line of it was seen before the output is used
    String tail = drain(stderr, DRAIN);
    String output;
    try {
      output = stdout.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      kill(process);
      throw new TargetFailedException(
          describe() + " left its output open " + DRAIN.toSeconds() + " s after it exited", e);
    }
    if (exit != 0) {
      kill(process);
    }
    return new Result(this, exit, output, tail, false);
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
   * Hands each line to the listener and keeps the last of the others.
   *
   * @return the tail of the lines not consumed
   */
  private static String readErrors(InputStream stream, Predicate<String> listener) {
    Deque<String> tail = new ArrayDeque<>();
    int chars = 0;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (listener.test(line)) {
          continue;
        }
        tail.addLast(line);
        chars += line.length() + 1;
        while (chars > ERROR_TAIL * 2 && tail.size() > 1) {
          chars -= tail.removeFirst().length() + 1;
        }
      }
    } catch (IOException e) {
      // the command is gone; what was read is the tail
    }
    return excerpt(String.join("\n", tail));
  }

  /**
   * @param text text of several lines
   * @return its end on one line: lines joined with {@code " | "}, at most {@value #ERROR_TAIL}
   *     characters, cut at the front with {@code …}
   */
  static String excerpt(String text) {
    String t = text.strip().replaceAll("\\s*\\n\\s*", " | ");
    return t.length() > ERROR_TAIL ? "…" + t.substring(t.length() - ERROR_TAIL) : t;
  }

  private static String drain(CompletableFuture<String> errors, Duration wait)
      throws InterruptedException {
    try {
      return errors.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // why: a child of the shell may hold the pipe open after the shell is gone
      return "";
    }
  }

  private static void kill(Process process) {
    // why: sh -c may have started children that hold the pipes open after the shell is gone
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
