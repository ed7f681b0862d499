package dev.warren.cli;

import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every {@code warren} command runs with: the environment (read once, by {@link
 * WarrenCli#main}, or handed in by a test), the {@link WarrenOptions} it describes, the Warren
 * instance (created on first use and closed when the command ends), standard input and the output
 * streams, and the one way a duration is given on the command line.
 *
 * <pre>{@code
 * CliContext ctx = CliContext.of(spec);
 * ctx.warren().publish("order.placed", data).join();
 * ctx.out().println("done");
 * }</pre>
 *
 * <p>Not thread-safe for creating instances: commands create them on their own thread, before they
 * start handling events.
 */
public final class CliContext implements AutoCloseable {
  private final Map<String, String> env;
  private final InputStream stdin;
  private CommandLine root;
  private WarrenOptions options;
  private Warren warren;
  private final List<Warren> opened = new ArrayList<>();

  CliContext(Map<String, String> env, InputStream stdin) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.stdin = Objects.requireNonNull(stdin, "stdin");
  }

  /**
   * The context of the {@code warren} command line a command runs under.
   *
   * @param spec the running command's spec (its {@code @Spec} field)
   * @return the context
   * @throws IllegalStateException when the command does not run under {@link WarrenCli}
   */
  public static CliContext of(CommandSpec spec) {
    if (spec.root().userObject() instanceof WarrenCli cli) {
      return cli.context();
    }
    throw new IllegalStateException(
        spec.qualifiedName()
            + " must run under the warren command (new WarrenCli(env, stdin).commandLine())");
  }

  void attach(CommandLine root) {
    this.root = root;
  }

  /**
   * @return the environment the command line was given
   */
  public Map<String, String> environment() {
    return env;
  }

  /**
   * @return the options the environment describes, read once
   * @throws UsageException when a {@code WARREN_*} variable is invalid (exit code 2)
   */
  public synchronized WarrenOptions options() {
    if (options == null) {
      try {
        options = WarrenOptions.fromEnvironment(env);
      } catch (WarrenException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
    return options;
  }

  /**
   * The command's Warren instance, connected as {@link #options()} says on first use and closed
   * when the command ends.
   *
   * @return the instance, the same on every call during one command
   * @throws UsageException when a {@code WARREN_*} variable is invalid (exit code 2)
   * @throws dev.warren.BrokerUnavailableException when the broker cannot be reached (exit code 1)
   */
  public synchronized Warren warren() {
    if (warren == null) {
      warren = connect(options());
    }
    return warren;
  }

  /**
   * Another instance with other options, for a command that needs several (a worker per task slot)
   * or changes a setting (the demo's shared in-memory broker); closed when the command ends.
   *
   * @param options its options, usually {@link #options()} changed
   * @return a started instance
   * @throws dev.warren.BrokerUnavailableException when the broker cannot be reached (exit code 1)
   */
  public synchronized Warren connect(WarrenOptions options) {
    Warren w = Warren.create(options);
    opened.add(w);
    return w;
  }

  /**
   * An instance that only reads the task and lineage store of {@link WarrenOptions#storeUrl()}: on
   * an in-memory broker of its own, so it needs no broker and touches none; closed when the command
   * ends.
   *
   * @param lineage whether its {@link Warren#lineage()} is wanted (opened even when {@code
   *     WARREN_LINEAGE=off} switches recording off, since reading what others recorded is the
   *     point); without it the lineage store is not opened at all
   * @return the instance; its {@link Warren#admin()} reads tasks, its {@link Warren#lineage()}
   *     lineage
   */
  public Warren storeReader(boolean lineage) {
    return connect(
        options().toBuilder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            .memoryBroker(null)
            .lineage(lineage)
            .build());
  }

  /**
   * @return standard input, for data given as {@code -}
   */
  public InputStream stdin() {
    return stdin;
  }

  /**
   * @return where the command's own output goes (the command line's, which tests replace)
   */
  public PrintWriter out() {
    return root.getOut();
  }

  /**
   * @return where errors and progress go
   */
  public PrintWriter err() {
    return root.getErr();
  }

  /**
   * Reads a duration option with Warren's one duration grammar ({@link
   * WarrenOptions#parseDuration}): {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d},
   * a number of seconds, or ISO-8601 ({@code PT30S}).
   *
   * @param option the option, for the message, for example {@code --timeout}
   * @param text what was given
   * @return the duration, zero or more
   * @throws UsageException naming the option and the value when it is not one (exit code 2)
   */
  public static Duration duration(String option, String text) {
    Duration d;
    try {
      d = WarrenOptions.parseDuration(option, text);
    } catch (InvalidInputException | ArithmeticException e) {
      throw new UsageException(
          option + " '" + text + "' is not a duration: use 500ms, 30s, 5m, 1h, 1d or PT30S", e);
    }
    if (d.isNegative()) {
      throw new UsageException(option + " '" + text + "' must not be negative");
    }
    return d;
  }

  /**
   * {@link #duration(String, String)} that must be more than zero.
   *
   * @param option the option, for the message
   * @param text what was given
   * @return the duration, positive
   * @throws UsageException when it is not a duration or not positive (exit code 2)
   */
  public static Duration positiveDuration(String option, String text) {
    Duration d = duration(option, text);
    if (d.isZero()) {
      throw new UsageException(option + " '" + text + "' must be positive");
    }
    return d;
  }

  /** Closes every instance the command created, the last first. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (RuntimeException e) {
        // why: one instance failing to close must not keep the others open
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    opened.clear();
    warren = null;
    if (failure != null) {
      throw failure;
    }
  }
}
