package dev.warren.bench.scenarios;

import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.RoundResult;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.bench.clients.BenchBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 7: footprint. Each round launches {@code warren server} as its own JVM, the way the
 * {@code ./warren} launcher does (its JVM options, its class-data archive when it is up to date),
 * on RabbitMQ (the run's virtual host), and measures the time from launch to {@code /health/ready}
 * answering 200, the resident memory idle a moment after, and the most resident memory under the
 * HTTP ingestion load of scenario 4. The baseline is the JDK's own HTTP server in a JVM with the
 * same options ({@link FloorServer}). Figures are medians over the rounds, one launch each.
 */
public final class FootprintScenario implements Scenario {
  /** Time from launching the process to the first 200 from {@code /health/ready}. */
  public static final String READY = "time to ready, ms";

  /** Resident memory (VmRSS) idle, a moment after ready. */
  public static final String IDLE = "resident idle, MB";

  /** The most resident memory seen under load. */
  public static final String LOADED = "resident under load (max), MB";

  /** The baseline's name in the report. */
  public static final String FLOOR_NAME = "JDK HttpServer process";

  /**
   * The JVM options of the {@code ./warren} launcher, which starts {@code warren server} too, as
   * they were when this was written; {@link #launcherOptions} reads the launcher's own.
   */
  static final List<String> LAUNCHER_OPTIONS =
      List.of("-XX:+UseSerialGC", "-Xlog:disable", "-Xlog:all=warning:stderr");

  // why: the launcher's first indented jvm_opts is the one of its server block (the unindented one
  // is the CLI's C1-only set)
  private static final Pattern JVM_OPTS = Pattern.compile("(?m)^\\s+jvm_opts=\\(([^)]*)\\)");

  private static final Pattern LISTENING = Pattern.compile("http://[^\\s:/]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String id() {
    return "footprint";
  }

  @Override
  public String title() {
    return "7. Footprint: the warren server process";
  }

  @Override
  public String description() {
    return "Each round launches a server as its own JVM with the ./warren launcher's options (its"
        + " jvm_opts; when this was written "
        + String.join(" ", LAUNCHER_OPTIONS)
        + "; plus the server's start-up cache warren-cli/target/warren-server.aot, trained by the"
        + " launcher, when it is up to date):"
        + " `java -jar warren.jar server --port 0` on RabbitMQ (the run's virtual host, by"
        + " WARREN_RABBITMQ_URL; no other WARREN_ variable). Measured: launch to the first 200 from"
        + " GET /health/ready (polled every 5 ms), resident memory (VmRSS) idle 1 to 3 s after"
        + " ready, and the most resident memory while the HTTP load of scenario 4 (1 KB JSON to"
        + " POST /publish/{type}, the run's connections) runs for the round; msg/s and latency are"
        + " that load's, and client CPU/msg also counts the launch and the wait. The baseline is"
        + " the JDK's com.sun.net.httpserver on virtual threads in a JVM with the same options,"
        + " answering the same requests without a broker.";
  }

  @Override
  public String latencyMeaning() {
    return "request sent to 202 received, under load";
  }

  @Override
  public boolean needsBroker() {
    return true;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    return List.of(new Launched(context, false), new Launched(context, true));
  }

  @Override
  public List<Target> targets() {
    return List.of(new Target.FigureAtMost(IDLE, 200), new Target.FigureAtMost(READY, 1000));
  }

  /**
   * @param configured the jar named on the command line, or {@code null}
   * @return the CLI jar: the one named, else {@code warren-cli/target/warren.jar} under {@code
   *     warren.bench.root} (set by bench.sh) or under the working directory or one of its parents
   * @throws IllegalStateException when there is none
   */
  static Path serverJar(Path configured) {
    if (configured != null) {
      if (!Files.isRegularFile(configured)) {
        throw new IllegalStateException("--server-jar " + configured + " does not exist");
      }
      return configured;
    }
    List<Path> roots = new ArrayList<>();
    String root = System.getProperty("warren.bench.root");
    if (root != null) {
      roots.add(Path.of(root));
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      roots.add(p);
    }
    for (Path r : roots) {
      Path jar = r.resolve("warren-cli/target/warren.jar");
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException(
        "scenario footprint needs warren-cli/target/warren.jar: build it (./warren --version, or"
            + " mvn -pl warren-cli -am package) or name one with --server-jar");
  }

  /**
   * @param jar the CLI's jar, {@code warren-cli/target/warren.jar} of a checkout
   * @return the {@code jvm_opts} of the checkout's {@code ./warren} launcher, so the server starts
   *     as a user's would; {@link #LAUNCHER_OPTIONS} when there is no launcher beside the jar
   */
  static List<String> launcherOptions(Path jar) {
    Path launcher = jar.toAbsolutePath().getParent().getParent().getParent().resolve("warren");
    try {
      Matcher m = JVM_OPTS.matcher(Files.readString(launcher, StandardCharsets.UTF_8));
      if (m.find()) {
        return List.of(m.group(1).trim().split("\\s+"));
      }
    } catch (IOException | RuntimeException e) {
      // not a checkout: the options as they were written down
    }
    return LAUNCHER_OPTIONS;
  }

  /**
   * @param pid a process
   * @return its resident memory (VmRSS), in MB
   * @throws IOException when /proc cannot tell
   */
  static double residentMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
        return Long.parseLong(kb) / 1024.0;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }

  /** One server kind, launched afresh each round. */
  private static final class Launched implements Contender {
    private final BenchBroker broker;
    private final Path configuredJar;
    private final boolean floor;
    private final byte[] json;
    private final int connections;
    private List<String> command;
    private HttpLoad load;

    Launched(BenchContext context, boolean floor) {
      this.broker = context.requireBroker();
      this.configuredJar = context.config().serverJar();
      this.floor = floor;
      this.json = HttpLoad.jsonBody(context.config().payloadBytes());
      this.connections = context.config().connections();
    }

    @Override
    public String name() {
      return floor ? FLOOR_NAME : "Warren server process";
    }

    @Override
    public void open() throws URISyntaxException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      Path jar = serverJar(configuredJar);
      // why: the baseline runs with the same options, so the difference is the server's own
      cmd.addAll(launcherOptions(jar));
      if (floor) {
        Path classes =
            Path.of(FloorServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        cmd.addAll(List.of("-cp", classes.toString(), FloorServer.class.getName()));
      } else {
        // why: as ./warren does, the server's own start-up cache (an AOT cache on JDK 25+, else a
        // class-data archive) when the jar is not newer than it, the CLI's archive otherwise
        Path aot = jar.resolveSibling("warren-server.aot");
        Path serverJsa = jar.resolveSibling("warren-server.jsa");
        Path cliJsa = jar.resolveSibling("warren.jsa");
        if (Runtime.version().feature() >= 25 && fresh(aot, jar)) {
          cmd.add("-XX:AOTCache=" + aot);
          cmd.add("-Xlog:aot*=off:stderr");
          cmd.add("-Xlog:cds*=off:stderr");
        } else if (fresh(serverJsa, jar) || fresh(cliJsa, jar)) {
          cmd.add("-XX:SharedArchiveFile=" + (fresh(serverJsa, jar) ? serverJsa : cliJsa));
          cmd.add("-Xlog:cds*=off:stderr");
        }
        cmd.addAll(List.of("-jar", jar.toString(), "server", "--port", "0"));
      }
      command = List.copyOf(cmd);
      load = new HttpLoad(connections);
    }

    private static boolean fresh(Path archive, Path jar) {
      try {
        return Files.isRegularFile(archive)
            && !Files.getLastModifiedTime(jar)
                .toInstant()
                .isAfter(Files.getLastModifiedTime(archive).toInstant());
      } catch (IOException e) {
        return false; // no archive then: slower start-up, as with the launcher
      }
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().keySet().removeIf(k -> k.startsWith("WARREN_"));
      pb.environment().put("WARREN_RABBITMQ_URL", broker.uri());
      Path stderr = Files.createTempFile("warren-bench-footprint", ".log");
      pb.redirectError(stderr.toFile());
      long launched = System.nanoTime();
      Process p = pb.start();
      try {
        int port = port(p, stderr);
        URI base = URI.create("http://127.0.0.1:" + port);
        double readyMs = awaitReady(p, base.resolve("/health/ready"), launched, stderr);
        // why: "idle" is after start-up has settled: a few seconds, shorter in short runs
        long idle = Math.clamp(length.toMillis(), 1000, 3000);
        Thread.sleep(idle);
        double idleMb = residentMb(p.pid());
        AtomicLong peakKb = new AtomicLong(Math.round(idleMb * 1024));
        Thread sampler =
            Thread.ofPlatform()
                .daemon()
                .name("bench-footprint-rss")
                .start(
                    () -> {
                      while (!Thread.currentThread().isInterrupted()) {
                        try {
                          peakKb.accumulateAndGet(
                              Math.round(residentMb(p.pid()) * 1024), Math::max);
                          Thread.sleep(50);
                        } catch (IOException | InterruptedException e) {
                          return;
                        }
                      }
                    });
        RoundResult r;
        try {
          r = load.saturate(HttpLoad.post(base.resolve("/publish/bench.footprint"), json), length);
        } finally {
          sampler.interrupt();
          sampler.join();
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put(READY, readyMs);
        figures.put(IDLE, idleMb);
        figures.put(LOADED, peakKb.get() / 1024.0);
        return new RoundResult(r.messages(), r.nanos(), r.latency(), figures);
      } finally {
        stop(p);
        Files.deleteIfExists(stderr);
      }
    }

    /** Reads standard output until the server names its port, then drains the rest. */
    private int port(Process p, Path stderr) throws Exception {
      CompletableFuture<Integer> port = new CompletableFuture<>();
      Thread.ofPlatform()
          .daemon()
          .name("bench-footprint-stdout")
          .start(
              () -> {
                try (BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Matcher m = LISTENING.matcher(line);
                    if (!port.isDone() && m.find()) {
                      port.complete(Integer.parseInt(m.group(1)));
                    }
                  }
                } catch (IOException | RuntimeException e) {
                  // the process went away; the wait below reports it
                }
                port.completeExceptionally(new IOException("the server's output ended"));
              });
      try {
        return port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException(
            name() + " did not say which port it listens on: " + e + "; " + tail(p, stderr), e);
      }
    }

    private double awaitReady(Process p, URI ready, long launched, Path stderr) throws Exception {
      long deadline = launched + START_TIMEOUT.toNanos();
      while (true) {
        try {
          if (load.get(ready) == 200) {
            return (System.nanoTime() - launched) / 1e6;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new TimeoutException(name() + " not ready in time; " + tail(p, stderr));
        }
        Thread.sleep(5);
      }
    }

    private static String tail(Process p, Path stderr) {
      String status = p.isAlive() ? "still running" : "exit " + p.exitValue();
      try {
        String err = Files.readString(stderr, StandardCharsets.UTF_8).strip();
        return status
            + (err.isEmpty() ? "" : ", stderr: " + err.substring(Math.max(0, err.length() - 800)));
      } catch (IOException e) {
        return status;
      }
    }

    /**
     * Stops the server as Ctrl-C would, and waits for it: only a process waited for has its CPU
     * counted as the benchmark's.
     */
    private static void stop(Process p) throws InterruptedException {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(15, TimeUnit.SECONDS);
      }
    }

    @Override
    public void close() {
      if (load != null) {
        load.close();
      }
    }
  }
}
