package dev.warren.cli.worker;

import dev.warren.Event;
import dev.warren.cli.StructuredJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command with {@code /bin/sh -c} for each event, the event as one line of structured
 * CloudEvents JSON on its standard input. Exit code 0 is success; lines of its standard output that
 * are structured CloudEvents are replies, other lines are ignored. A non-zero exit code, or running
 * longer than the timeout, is a failure whose message ends with the tail of its standard error.
 */
final class ExecTarget implements Target {
  /** How much of the command's standard error goes into the error message. */
  static final int STDERR_TAIL = 500;

  private final String command;
  private final Duration timeout;
  private final Replies replies;

  ExecTarget(String command, Duration timeout, Replies replies) {
    this.command = command;
    this.timeout = timeout;
    this.replies = replies;
  }

  @Override
  public String describe() {
    return "command '" + command + "'";
  }

  @Override
  public List<Event> send(Event event) throws InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder("/bin/sh", "-c", command).start();
    } catch (IOException e) {
      throw new TargetFailedException("cannot start " + describe() + ": " + e.getMessage(), e);
    }
    byte[] input = (StructuredJson.write(event) + "\n").getBytes(StandardCharsets.UTF_8);
    // why: input, output and error are pumped at the same time, so no pipe fills up and stalls
    // the command, and a command that never reads its input still runs
    CompletableFuture<Void> writing =
        CompletableFuture.runAsync(
            () -> write(process.getOutputStream(), input), Thread::startVirtualThread);
    CompletableFuture<byte[]> stdout = read(process.getInputStream());
    CompletableFuture<byte[]> stderr = read(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new TargetFailedException(
            describe() + " timed out after " + timeout.toMillis() + " ms" + tail(stderr));
      }
    } catch (InterruptedException e) {
      kill(process);
      throw e;
    }
    int exit = process.exitValue();
    writing.join();
    if (exit != 0) {
      kill(process);
      throw new TargetFailedException(describe() + " exited with code " + exit + tail(stderr));
    }
    List<Event> found = new ArrayList<>();
    for (String line : text(stdout).split("\n")) {
      Optional<Event> reply = replies.fromLine(line);
      reply.ifPresent(found::add);
    }
    return found;
  }

  private static void write(OutputStream in, byte[] input) {
    try (in) {
      in.write(input);
    } catch (IOException e) {
      // the command exited or closed its input without reading it all: its own business
    }
  }

  private static CompletableFuture<byte[]> read(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return stream.readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        },
        Thread::startVirtualThread);
  }

  private static void kill(Process process) {
    // why: sh -c may have started children that hold the pipes open after the shell is gone
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private String text(CompletableFuture<byte[]> output) throws InterruptedException {
    try {
      return new String(
          output.get(timeout.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
    } catch (ExecutionException | TimeoutException e) {
      throw new TargetFailedException(describe() + " left its output open: " + e, e);
    }
  }

  private static String tail(CompletableFuture<byte[]> stderr) {
    byte[] bytes;
    try {
      bytes = stderr.get(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } catch (ExecutionException | TimeoutException e) {
      return "";
    }
    String text =
        new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\n\\s*", " | ");
    if (text.isEmpty()) {
      return "";
    }
    return ": "
        + (text.length() > STDERR_TAIL ? "…" + text.substring(text.length() - STDERR_TAIL) : text);
  }
}
