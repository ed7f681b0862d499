package dev.warren.cli;

import dev.warren.InvalidInputException;
import dev.warren.WarrenException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code warren} command: publish and tail events, and run the demo.
 *
 * <p>Standard output carries only a command's own output (event ids, events as JSON, the demo's
 * narration); logs and errors go to standard error. Errors are one line, {@code warren: <message>},
 * with exit code {@value #EXIT_USAGE} for bad input and {@value #EXIT_FAILURE} for runtime failures
 * such as an unreachable broker; {@code --debug} or {@code WARREN_DEBUG=1} adds the stack trace.
 *
 * <p>The environment and standard input are passed in, so tests run commands in-process:
 *
 * <pre>{@code
 * CommandLine cmd = new WarrenCli(Map.of("WARREN_TRANSPORT", "memory"), System.in).commandLine();
 * cmd.setOut(out);
 * int exit = cmd.execute("publish", "order.placed", "--data", "{\"id\":1}");
 * }</pre>
 */
@Command(
    name = "warren",
    mixinStandardHelpOptions = true,
    versionProvider = WarrenCli.Version.class,
    description = "Publish and receive Warren events from the command line.",
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  WARREN_RABBITMQ_URL  amqp://user:pass@host:5672/vhost (or WARREN_RABBITMQ_HOST);",
      "                       a cluster's nodes separated by commas (URLs or host:port);",
      "                       without it, the embedded in-memory transport",
      "  WARREN_TRANSPORT     auto, memory or rabbitmq",
      "  WARREN_EXCHANGE      the topic exchange (default warren.events)",
      "  WARREN_SOURCE        CloudEvents source of published events",
      "  WARREN_DEBUG=1       stack traces and debug logs, like --debug",
      "",
      "Exit codes: 0 ok, 1 runtime failure (e.g. broker unavailable), 2 bad input."
    })
public final class WarrenCli implements Callable<Integer> {
  /** Exit code of a command that succeeded. */
  public static final int EXIT_OK = 0;

  /** Exit code of a runtime failure, for example an unreachable broker. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of bad input: an unknown option, an invalid event type, malformed JSON. */
  public static final int EXIT_USAGE = 2;

  /** Exit code of a command stopped by an interrupt (as a shell reports SIGINT). */
  public static final int EXIT_INTERRUPTED = 130;

  /** The subcommands, by the name each one's {@code @Command} gives it, in help order. */
  private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private final Map<String, String> env;
  private final CliContext context;
  private boolean debug;

  @Spec CommandSpec spec;

  /**
   * @param env the environment to read {@code WARREN_*} settings from
   * @param stdin where {@code publish -} reads data from
   */
  public WarrenCli(Map<String, String> env, InputStream stdin) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.context = new CliContext(this.env, Objects.requireNonNull(stdin, "stdin"));
  }

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    if (isDebug(env) || Arrays.asList(args).contains("--debug")) {
      // why: slf4j-simple reads its levels once, when the first logger is made, which is later;
      // every package simplelogger.properties names must be raised, or it keeps its own level
      for (String pkg : List.of("", ".internal", ".transport", ".rabbitmq", ".cli")) {
        System.setProperty("org.slf4j.simpleLogger.log.dev.warren" + pkg, "debug");
      }
    }
    System.exit(new WarrenCli(env, System.in).commandLine(args).execute(args));
  }

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> all = new LinkedHashMap<>();
    for (Class<?> c :
        List.<Class<?>>of(
            PublishCommand.class,
            TailCommand.class,
            DemoCommand.class,
            ServerCommand.class,
            dev.warren.cli.queues.QueuesCommand.class,
            dev.warren.cli.tasks.TasksCommand.class,
            dev.warren.cli.schedules.SchedulesCommand.class,
            dev.warren.cli.trace.TraceCommand.class,
            dev.warren.cli.worker.WorkerCommand.class,
            dev.warren.cli.dlq.DlqCommand.class,
            CommandLine.HelpCommand.class)) {
      all.put(c.getAnnotation(Command.class).name(), c);
    }
    return all;
  }

  /**
   * @return a command line for this command with every subcommand, with Warren's error handling
   *     installed
   */
  public CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * A command line for these arguments: with only the subcommand they name, when they name one.
   *
   * <p>why: picocli builds the model of every registered command, options and all, before it parses
   * anything; for the server that was the largest part of its start-up (docs/server-startup.md).
   * Help, usage errors and an unknown name get every subcommand, so they read as before.
   *
   * @param args the arguments the command line will run
   * @return the command line, with Warren's error handling installed
   */
  public CommandLine commandLine(String... args) {
    CommandLine commandLine = new CommandLine(this);
    String named = null;
    for (String a : args) {
      if (!a.startsWith("-")) {
        named = a;
        break;
      }
    }
    Class<?> only = named == null || named.equals("help") ? null : SUBCOMMANDS.get(named);
    if (only != null) {
      commandLine.addSubcommand(only);
    } else {
      SUBCOMMANDS.values().forEach(commandLine::addSubcommand);
    }
    commandLine.setExecutionExceptionHandler(this::onExecutionException);
    commandLine.setParameterExceptionHandler(this::onParameterException);
    // why: whatever a command created through the context is closed when it ends, however it ends
    commandLine.setExecutionStrategy(
        parsed -> {
          try {
            return new CommandLine.RunLast().execute(parsed);
          } finally {
            context.close();
          }
        });
    context.attach(commandLine);
    return commandLine;
  }

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of errors, and debug logs (or set WARREN_DEBUG=1).")
  void debug(boolean debug) {
    this.debug = debug;
  }

  @Override
  public Integer call() {
    // why: "warren" alone is a usage error; the usage goes where errors go
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  /**
   * @return what every subcommand runs with: the environment this command line was given, its
   *     options, the Warren instance and the output streams
   */
  public CliContext context() {
    return context;
  }

  private static boolean isDebug(Map<String, String> env) {
    String v = env.get("WARREN_DEBUG");
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  private boolean debugging() {
    return debug || isDebug(env);
  }

  private int onParameterException(ParameterException e, String[] args) {
    CommandLine failed = e.getCommandLine();
    PrintWriter err = failed.getErr();
    err.println(
        "warren: "
            + oneLine(e.getMessage())
            + " (see '"
            + failed.getCommandSpec().qualifiedName()
            + " --help')");
    if (debugging()) {
      e.printStackTrace(err);
    }
    err.flush();
    return EXIT_USAGE;
  }

  private int onExecutionException(Exception e, CommandLine failed, ParseResult parsed) {
    Throwable cause = unwrap(e);
    PrintWriter err = failed.getErr();
    err.println("warren: " + describe(cause));
    if (debugging()) {
      cause.printStackTrace(err);
    }
    err.flush();
    return exitCode(cause);
  }

  static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  static int exitCode(Throwable t) {
    if (t instanceof UsageException || t instanceof InvalidInputException) {
      return EXIT_USAGE;
    }
    return EXIT_FAILURE;
  }

  private static String describe(Throwable t) {
    if (t instanceof WarrenException || t instanceof UsageException) {
      return oneLine(t.getMessage());
    }
    // why: anything else is a bug or an environment problem; its class says more than its message
    return oneLine(t.toString()) + " (run with --debug for the stack trace)";
  }

  static String oneLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /** Prints the CLI's version and the Java runtime it runs on. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "warren " + version(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ", "
            + System.getProperty("java.home")
            + ")"
      };
    }

    static String version() {
      Properties p = new Properties();
      try (InputStream in = WarrenCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        return "unknown";
      }
      return p.getProperty("version", "unknown");
    }
  }
}
