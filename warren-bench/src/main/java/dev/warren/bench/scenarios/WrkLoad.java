package dev.warren.bench.scenarios;

import dev.warren.bench.RoundResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Scenario 4's load from {@code wrk}, the HTTP load tool, in a process of its own: it costs a
 * fraction of the JDK client's CPU per request, so the server, not the client, is what the round
 * measures. Used when {@code wrk} is on the path; the JDK client ({@link HttpLoad}) otherwise.
 *
 * <p>Latency comes from wrk's own histogram: its script prints a thousand quantiles, which become
 * an HdrHistogram of as many requests as wrk counted, so the report reads percentiles as for every
 * other contender. A non-2xx answer fails the round, as with the JDK client.
 */
final class WrkLoad {
  private static final int QUANTILES = 1000;
  private static final String SCRIPT =
      """
      wrk.method = "POST"
      wrk.headers["Content-Type"] = "application/json"
      wrk.body = io.open(os.getenv("WARREN_BENCH_BODY"), "rb"):read("*a")
      done = function(summary, latency, requests)
        io.write(string.format("warren-bench requests %d errors %d %d %d %d %d duration %d\\n",
          summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
          summary.errors.status, summary.errors.timeout, summary.duration))
        for i = 1, QUANTILES do
          io.write(string.format("warren-bench q %d\\n", latency:percentile(i * 100 / QUANTILES)))
        end
      end
      """
          .replace("QUANTILES", Integer.toString(QUANTILES));

  private final int connections;

  /**
   * @param connections open connections, each with one request in flight
   */
  WrkLoad(int connections) {
    this.connections = connections;
  }

  /**
   * @return whether {@code wrk} can be run here
   */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Posts the body as fast as the connections allow for the round's length.
   *
   * @param uri where to post
   * @param json the body
   * @param length how long
   * @return requests answered, and their latency
   * @throws IOException when wrk fails or an answer was not 2xx
   * @throws InterruptedException when interrupted
   */
  RoundResult saturate(URI uri, byte[] json, Duration length)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("warren-bench-wrk");
    try {
      Path script = Files.writeString(dir.resolve("post.lua"), SCRIPT);
      Path body = Files.write(dir.resolve("body.json"), json);
      long seconds = Math.max(1, (length.toMillis() + 999) / 1000);
      ProcessBuilder pb =
          new ProcessBuilder(
                  "wrk",
                  "-t2",
                  "-c" + connections,
                  "-d" + seconds + "s",
                  "--timeout",
                  "30s",
                  "-s",
                  script.toString(),
                  uri.toString())
              .redirectErrorStream(true);
      pb.environment().put("WARREN_BENCH_BODY", body.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(seconds + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("wrk failed: " + out.strip());
      }
      return parse(out);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static RoundResult parse(String out) throws IOException {
    long requests = -1;
    long durationMicros = 0;
    List<Long> quantiles = new ArrayList<>(QUANTILES);
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2 || !f[0].equals("warren-bench")) {
        continue;
      }
      if (f[1].equals("requests")) {
        requests = Long.parseLong(f[2]);
        long errors = 0;
        for (int i = 4; i <= 8; i++) {
          errors += Long.parseLong(f[i]);
        }
        if (errors > 0) {
          throw new IOException(
              String.format(
                  Locale.ROOT,
                  "wrk saw %d failed requests (connect %s, read %s, write %s, non-2xx %s,"
                      + " timeout %s)",
                  errors,
                  f[4],
                  f[5],
                  f[6],
                  f[7],
                  f[8]));
        }
        durationMicros = Long.parseLong(f[10]);
      } else if (f[1].equals("q")) {
        quantiles.add(Long.parseLong(f[2]));
      }
    }
    if (requests < 0 || quantiles.size() != QUANTILES) {
      throw new IOException("unexpected wrk output: " + out.strip());
    }
    Histogram latency = new Histogram(3);
    long each = Math.max(1, requests / QUANTILES);
    for (long micros : quantiles) {
      latency.recordValueWithCount(Math.max(1, micros) * 1_000, each);
    }
    return new RoundResult(requests, durationMicros * 1_000, latency);
  }
}
