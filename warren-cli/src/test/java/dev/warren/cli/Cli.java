package dev.warren.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code warren} commands in-process on the in-memory transport, capturing their output. */
final class Cli {
  /**
   * The environment of every test run: the in-memory broker the CLI tests share by name, so that a
   * test's own instance meets the command's.
   */
  static final Map<String, String> MEMORY =
      Map.of("WARREN_TRANSPORT", "memory", "WARREN_MEMORY_BROKER", "warren-cli-tests");

  private final Map<String, String> env = new HashMap<>(MEMORY);
  private String stdin = "";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  static Cli cli() {
    return new Cli();
  }

  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Cli stdin(String text) {
    this.stdin = text;
    return this;
  }

  /** Output so far, also while the command still runs on another thread. */
  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  Result run(String... args) {
    CommandLine cmd =
        new WarrenCli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)))
            .commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out(), err());
  }

  /** What a command did. */
  record Result(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }
  }
}
