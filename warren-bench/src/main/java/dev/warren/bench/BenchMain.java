package dev.warren.bench;

import dev.warren.bench.BenchReport.Settings;
import dev.warren.bench.clients.BenchBroker;
import dev.warren.bench.scenarios.Scenarios;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./warren bench [SCENARIO...] [--duration S] [--out FILE]}: runs the scenarios and writes
 * the Markdown and JSON reports. Progress goes to standard error, the targets table to standard
 * output.
 *
 * <pre>{@code
 * warren-bench/bench.sh 1 5 --duration 10 --out /tmp/bench.md
 * }</pre>
 */
@Command(
    name = "warren bench",
    mixinStandardHelpOptions = true,
    versionProvider = BenchMain.Version.class,
    description =
        "Benchmarks Warren against the raw amqp-client and Spring AMQP on RabbitMQ, its"
            + " in-memory transport against an ArrayBlockingQueue, its HTTP server against the"
            + " library, its tasks, the server's footprint and what lineage recording costs."
            + " Contenders run one at a time, in alternating rounds, on a fresh virtual host"
            + " created with rabbitmqctl.",
    footerHeading = "%nScenarios:%n",
    footer = {
      "  1, publish         publish-classic, publish-quorum: confirmed publishing",
      "  2                  end-to-end: publish, no-op handler, ack",
      "  3, fixed-rate      fixed-rate-1000, fixed-rate-5000: latency at a fixed rate",
      "  4, http-ingest     http-ingest, http-ingest-2000: POST /publish/{type} to the",
      "                     in-process server vs Warren.publish, saturated and 2,000/s",
      "  5                  in-memory: in-memory transport vs ArrayBlockingQueue",
      "  6                  tasks: submit to SUCCESS round trips, in-memory; and",
      "  task-stores        tasks-memory, tasks-redis, tasks-postgres: enqueue to done on",
      "                     RabbitMQ per store, with JobRunr and db-scheduler on PostgreSQL",
      "  7                  footprint: `warren server` process: time to ready, memory",
      "  lineage-cost       lineage-cost, lineage-cost-memory: lineage on vs off",
      "  outbox             outbox, inbox-cost: outbox relay vs publish after commit,",
      "                     a handler's transaction with and without the inbox",
      "  all (default)      every scenario",
      "",
      "  ./warren bench jmh [JMH OPTIONS]   scenario 5 under JMH (InMemoryBenchmark);",
      "                     events/s, or ns per event with -bm avgt -tu ns",
      "",
      "Exit codes: 0 ran (targets missed included), 1 a scenario failed, 2 bad input."
    })
public final class BenchMain implements Callable<Integer> {
  @Parameters(paramLabel = "SCENARIO", arity = "0..*", description = "Scenario ids or groups.")
  private List<String> scenarios = new ArrayList<>();

  @Option(
      names = "--duration",
      paramLabel = "S",
      defaultValue = "30",
      description = "Measured seconds per contender per scenario (default ${DEFAULT-VALUE}).")
  private double duration;

  @Option(
      names = "--rounds",
      defaultValue = "5",
      description = "Rounds the duration is split into (default ${DEFAULT-VALUE}).")
  private int rounds;

  @Option(
      names = "--warmup",
      paramLabel = "S",
      description = "Warm-up seconds per contender (default: duration / 6, 1 to 10).")
  private Double warmup;

  @Option(
      names = "--window",
      defaultValue = "512",
      description = "Confirm window, and end-to-end in-flight bound (default ${DEFAULT-VALUE}).")
  private int window;

  @Option(
      names = "--prefetch",
      defaultValue = "200",
      description = "Consumer prefetch (default ${DEFAULT-VALUE}).")
  private int prefetch;

  @Option(
      names = "--payload",
      paramLabel = "BYTES",
      defaultValue = "1024",
      description = "Message body size (default ${DEFAULT-VALUE}).")
  private int payload;

  @Option(
      names = "--uri",
      defaultValue = "${env:WARREN_BENCH_URI:-amqp://guest:guest@127.0.0.1:5672}",
      description = "The broker, without a virtual host (default ${DEFAULT-VALUE}).")
  private String uri;

  @Option(
      names = "--vhost",
      description = "Use this existing virtual host instead of creating a fresh one.")
  private String vhost;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      defaultValue = "target/bench/benchmarks.md",
      description = "The Markdown report; the JSON goes beside it (default ${DEFAULT-VALUE}).")
  private Path out;

  @Option(
      names = "--quiet-wait",
      paramLabel = "S",
      defaultValue = "20",
      description =
          "Before each round, wait up to S seconds for other processes to leave the CPUs"
              + " (default ${DEFAULT-VALUE}).")
  private double quietWait;

  @Option(
      names = "--repeats",
      defaultValue = "2",
      description =
          "Run a round that other processes disturbed again, up to this many times"
              + " (default ${DEFAULT-VALUE}).")
  private int repeats;

  /** How Spring AMQP's template publishes. */
  enum SpringSend {
    SCOPED,
    PER_MESSAGE
  }

  @Option(
      names = "--spring-send",
      defaultValue = "scoped",
      paramLabel = "MODE",
      description =
          "Spring AMQP: sends of a round in one scoped operation (scoped, default) or plain"
              + " per-message sends (per-message).",
      converter = SpringSendConverter.class)
  private SpringSend springSend;

  /** Reads {@code per-message} as well as {@code per_message}. */
  static final class SpringSendConverter implements CommandLine.ITypeConverter<SpringSend> {
    @Override
    public SpringSend convert(String value) {
      return SpringSend.valueOf(value.replace('-', '_').toUpperCase(Locale.ROOT));
    }
  }

  @Option(
      names = "--only",
      paramLabel = "NAME",
      split = ",",
      description =
          "Run only these contenders (warren, raw, spring, array...), e.g. to profile one.")
  private List<String> only = new ArrayList<>();

  @Option(
      names = "--connections",
      defaultValue = "64",
      description =
          "HTTP connections, one request at a time each, in scenarios 4 and 7; also the in-flight"
              + " bound of the library publishing scenario 4 compares with (default"
              + " ${DEFAULT-VALUE}).")
  private int connections;

  @Option(
      names = "--server-jar",
      paramLabel = "JAR",
      description =
          "The CLI jar scenario 7 launches (default: warren-cli/target/warren.jar of the"
              + " checkout).")
  private Path serverJar;

  private final List<String> args;
  private final PrintStream stdout;
  private final PrintStream stderr;

  private BenchMain(List<String> args, PrintStream stdout, PrintStream stderr) {
    this.args = args;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /**
   * Runs the command in this process, for tests.
   *
   * @param stdout where the summary goes
   * @param stderr where progress and errors go
   * @param args the command line
   * @return the exit code
   */
  public static int run(PrintStream stdout, PrintStream stderr, String... args) {
    CommandLine cmd = new CommandLine(new BenchMain(List.of(args), stdout, stderr));
    cmd.setOut(new PrintWriter(stdout, true));
    cmd.setErr(new PrintWriter(stderr, true));
    cmd.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          boolean usage = e instanceof IllegalArgumentException;
          // why: an unreachable broker or a failed rabbitmqctl is a message, not a stack trace
          boolean operational = e instanceof IOException || e instanceof TimeoutException;
          stderr.println("warren bench: " + (usage || operational ? e.getMessage() : e));
          if (!usage && !operational) {
            e.printStackTrace(stderr);
          }
          return usage ? 2 : 1;
        });
    return cmd.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    Duration measured = Duration.ofMillis(Math.round(duration * 1000));
    double warm = warmup != null ? warmup : Math.max(1, Math.min(10, duration / 6));
    BenchConfig config =
        new BenchConfig(
            measured,
            rounds,
            Duration.ofMillis(Math.round(warm * 1000)),
            window,
            prefetch,
            payload,
            uri,
            vhost,
            out,
            Duration.ofMillis(Math.round(quietWait * 1000)),
            repeats,
            springSend == SpringSend.SCOPED,
            only,
            connections,
            serverJar);
    List<Scenario> selected = Scenarios.select(scenarios);
    boolean needsBroker = selected.stream().anyMatch(Scenario::needsBroker);
    BenchBroker broker = needsBroker ? BenchBroker.open(uri, vhost) : null;
    // why: a run stopped with Ctrl-C must not leave its virtual host (and gigabytes) behind
    Thread cleanup = new Thread(() -> close(broker), "warren-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    List<ScenarioResult> results = new ArrayList<>();
    Environment environment;
    try {
      if (broker != null) {
        stderr.println("warren bench: virtual host " + broker.vhost() + " on " + broker.version());
      }
      ScenarioRunner runner = new ScenarioRunner(new BenchContext(config, broker), stderr);
      for (Scenario s : selected) {
        results.add(runner.run(s));
      }
      environment = Environment.collect(broker, uri);
    } finally {
      close(broker);
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    BenchReport report =
        new BenchReport(
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            "./warren bench " + String.join(" ", args),
            environment,
            new Settings(
                payload,
                window,
                prefetch,
                rounds,
                config.round().toMillis() / 1e3,
                config.warmup().toMillis() / 1e3,
                config.quietWait().toMillis() / 1e3,
                repeats,
                config.springScoped() ? "scoped" : "per-message"),
            List.copyOf(results),
            results.stream().flatMap(r -> r.targets().stream()).toList());
    Report.write(report, config.out(), config.jsonOut());
    stdout.println();
    for (TargetResult t : report.targets()) {
      stdout.printf(
          Locale.ROOT,
          "%-16s %-46s %-20s %s%n",
          t.scenario(),
          t.target(),
          t.actual(),
          t.met() ? "met" : "MISSED");
    }
    stdout.println("report: " + config.out() + " and " + config.jsonOut());
    return 0;
  }

  /** The versions compared, from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return Environment.collect(null, "").libraries().entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue())
          .toArray(String[]::new);
    }
  }

  private static void close(BenchBroker broker) {
    if (broker != null) {
      broker.close();
    }
  }
}
