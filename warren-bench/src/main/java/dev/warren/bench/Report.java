package dev.warren.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.warren.bench.BenchReport.Settings;
import dev.warren.bench.ScenarioResult.Comparison;
import dev.warren.bench.ScenarioResult.ContenderResult;
import dev.warren.bench.ScenarioResult.LatencySummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a run's results as Markdown, for people, and JSON, for tools and later comparison. */
public final class Report {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Above this much CPU used by other processes during a round, a scenario is flagged. */
  static final double DISTURBED_CORES = 0.25;

  private Report() {}

  /**
   * @param report the results
   * @param markdown where the Markdown goes
   * @param json where the JSON goes
   * @throws IOException when a file cannot be written
   */
  public static void write(BenchReport report, Path markdown, Path json) throws IOException {
    // why: the Markdown names its JSON twin, so a reader finds every round's figures
    for (Path p : new Path[] {markdown, json}) {
      Path dir = p.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
    }
    Files.writeString(
        markdown, markdown(report, json.getFileName().toString()), StandardCharsets.UTF_8);
    JSON.writeValue(json.toFile(), report);
  }

  /**
   * @param report the results
   * @param jsonName the JSON report's file name, mentioned at the end
   * @return the Markdown report
   */
  public static String markdown(BenchReport report, String jsonName) {
    StringBuilder md = new StringBuilder();
    Environment env = report.environment();
    Settings s = report.settings();
    md.append("# Warren benchmarks\n\n");
    md.append("Generated ")
        .append(report.generatedAt())
        .append(" by `")
        .append(report.command())
        .append("` (Warren ")
        .append(env.libraries().get("warren"))
        .append(", commit ")
        .append(env.warrenCommit())
        .append(").\n\n");

    md.append("## Summary\n\n");
    md.append(
        "| scenario | Warren msg/s | Warren p99 | against the baselines |\n|---|---:|---:|---|\n");
    for (ScenarioResult r : report.scenarios()) {
      ContenderResult first = r.contenders().get(0);
      if (!first.name().startsWith("Warren")) {
        continue; // a run without Warren (--only) has nothing to summarize here
      }
      StringBuilder versus = new StringBuilder();
      for (Comparison c : r.comparisons()) {
        if (!versus.isEmpty()) {
          versus.append("; ");
        }
        versus.append(
            String.format(Locale.ROOT, "%.2f × %s msg/s", c.throughputRatio(), c.baseline()));
        if (c.p99Ratio() != null) {
          versus.append(String.format(Locale.ROOT, ", %.2f × its p99", c.p99Ratio()));
        }
      }
      md.append(
          row(
              r.id(),
              String.format(Locale.ROOT, "%,.0f", first.medianPerSecond()),
              first.latency() == null ? "–" : micros(first.latency().p99Micros()),
              versus.isEmpty() ? "–" : versus.toString()));
    }
    md.append('\n');

    md.append("## Targets\n\n");
    if (report.targets().isEmpty()) {
      md.append("None checked in this run.\n");
    } else {
      md.append("| scenario | target | measured | met |\n|---|---|---|---|\n");
      for (TargetResult t : report.targets()) {
        md.append(
            row(
                t.scenario(),
                t.target().replace(">=", "≥").replace("<=", "≤"),
                t.actual(),
                t.met() ? "yes" : "**no**"));
      }
    }
    md.append('\n');

    md.append("## Environment\n\n| | |\n|---|---|\n");
    md.append(
        row(
            "machine",
            String.format(
                Locale.ROOT,
                "%s, %d cores, %,d MB RAM, %s",
                env.cpu(),
                env.cores(),
                env.memoryMb(),
                env.os())));
    md.append(row("JDK", env.jdk()));
    md.append(
        row("JVM options", env.jvmOptions().isBlank() ? "(none)" : "`" + env.jvmOptions() + "`"));
    if (env.priorities() != null) {
      md.append(row("priorities", env.priorities()));
    }
    if (env.broker() != null) {
      md.append(row("broker", env.broker() + " on " + env.brokerPlatform()));
      md.append(row("broker location", env.brokerLocation()));
    }
    md.append(
        row(
            "libraries",
            "amqp-client "
                + env.libraries().get("amqp-client")
                + " (used by all three contenders), spring-rabbit "
                + env.libraries().get("spring-rabbit")
                + ", HdrHistogram "
                + env.libraries().get("hdrhistogram")
                + ", JobRunr "
                + env.libraries().get("jobrunr")
                + ", db-scheduler "
                + env.libraries().get("db-scheduler")));
    md.append('\n');

    md.append("## Method\n\n");
    bullet(
        md,
        "Payload %,d bytes, persistent (delivery mode 2), to a durable topic exchange with one"
            + " binding per queue; each contender has its own exchange and queue.",
        s.payloadBytes());
    bullet(
        md,
        "Same settings for every contender: confirm window %d (unconfirmed publishes in flight;"
            + " end to end also unhandled messages), prefetch %d, one publishing thread, one"
            + " consumer, an ack per message after the handler returned.",
        s.confirmWindow(),
        s.prefetch());
    bullet(
        md,
        "Each contender: %.1f s warm-up, then %d round(s) of %.1f s; rounds alternate between"
            + " contenders (A, B, C, A, B, C, ...), never two at once; a full GC and a short pause"
            + " before each round. Throughput is the median of the rounds; latency percentiles"
            + " come from one HdrHistogram (3 significant digits) over all measured rounds.",
        s.warmupSeconds(),
        s.rounds(),
        s.roundSeconds());
    bullet(
        md,
        "Latency is measured in one JVM with System.nanoTime(): the send time travels in the"
            + " first 8 bytes of the body, the same for every library.");
    bullet(
        md,
        "Warren uses its public API only (Warren.create, publish, subscribe). Raw amqp-client:"
            + " separate publisher and consumer connections, asynchronous confirms tracked by"
            + " sequence number. Spring AMQP: CachingConnectionFactory with correlated confirms and"
            + " a channel cache of the window's size, RabbitTemplate on the publisher connection, a"
            + " CorrelationData future per message, %s; SimpleMessageListenerContainer with one"
            + " consumer and AcknowledgeMode.AUTO.",
        "scoped".equals(s.springSend())
            ? "a round's sends in one scoped operation (RabbitTemplate.invoke, one channel)"
            : "plain per-message sends (a cached channel per unconfirmed message)");
    bullet(
        md,
        "\"Other CPU\" is what processes other than the benchmark and the broker used during a"
            + " round (from /proc), in cores. Before each round the harness waits up to %.0f s for"
            + " it to drop below %.2f cores; a round above that anyway is run again (up to %d"
            + " times), and a scenario where it stays above is flagged as disturbed. CPU that other"
            + " clients cause in the broker cannot be told apart.",
        s.quietWaitSeconds(),
        DISTURBED_CORES,
        s.repeats());
    bullet(
        md,
        "Client CPU/msg is the CPU this JVM used during the measured rounds (the library, the"
            + " harness, JIT and GC) divided by the messages; broker CPU/msg is the broker's."
            + " ns/msg is wall time per message (1e9 / msg/s).");
    bullet(
        md,
        "The broker runs on the same machine: absolute figures are bound by the broker's share"
            + " of the cores, and CPU a client spends is CPU the broker does not get; the ratios"
            + " are the point.");
    md.append('\n');

    for (ScenarioResult r : report.scenarios()) {
      md.append("## ").append(r.title()).append("\n\n").append(r.description());
      if (r.latencyMeaning() != null) {
        md.append(" Latency: ").append(r.latencyMeaning()).append('.');
      }
      md.append("\n\n");
      md.append(
          "| contender | median msg/s | rounds (min–max) | ns/msg | p50 | p99 | p99.9 |"
              + " client CPU/msg | broker CPU/msg | Warren ÷ contender, msg/s |"
              + " Warren ÷ contender, p99 | other CPU, max |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (ContenderResult c : r.contenders()) {
        Comparison cmp =
            r.comparisons().stream()
                .filter(x -> x.baseline().equals(c.name()))
                .findFirst()
                .orElse(null);
        LatencySummary l = c.latency();
        md.append(
            row(
                c.name(),
                String.format(Locale.ROOT, "%,.0f", c.medianPerSecond()),
                String.format(Locale.ROOT, "%,.0f–%,.0f", c.minPerSecond(), c.maxPerSecond()),
                String.format(Locale.ROOT, "%,.0f", 1e9 / c.medianPerSecond()),
                l == null ? "–" : micros(l.p50Micros()),
                l == null ? "–" : micros(l.p99Micros()),
                l == null ? "–" : micros(l.p999Micros()),
                c.clientCpuMicros() == null ? "–" : micros(c.clientCpuMicros()),
                c.brokerCpuMicros() == null || c.brokerCpuMicros() == 0
                    ? "–"
                    : micros(c.brokerCpuMicros()),
                cmp == null ? "–" : String.format(Locale.ROOT, "%.2f ×", cmp.throughputRatio()),
                cmp == null || cmp.p99Ratio() == null
                    ? "–"
                    : String.format(Locale.ROOT, "%.2f ×", cmp.p99Ratio()),
                c.maxOtherCores() == null
                    ? "–"
                    : String.format(Locale.ROOT, "%.2f cores", c.maxOtherCores())));
      }
      figures(md, r);
      double disturbed =
          r.contenders().stream()
              .map(ContenderResult::maxOtherCores)
              .filter(d -> d != null)
              .max(Double::compare)
              .orElse(0.0);
      for (String incident : r.incidents()) {
        md.append(
                "\n> Round repeated after a failure (connections lost: another process restarted the"
                    + " broker?): ")
            .append(incident)
            .append('\n');
      }
      if (disturbed > DISTURBED_CORES) {
        md.append(
            String.format(
                Locale.ROOT,
                "%n> Disturbed: other processes used up to %.2f cores during a round of this"
                    + " scenario; its figures are less reliable than the others.%n",
                disturbed));
      }
      md.append('\n');
    }
    md.append(
            "Ratios: above 1 × in the msg/s column means Warren is faster; below 1 × in the p99 column"
                + " means Warren's tail latency is lower. JSON with every round: `")
        .append(jsonName)
        .append("` beside this file.\n");
    return md.toString();
  }

  /** The scenario's other measurements (footprint, start-up), one column each, if it has any. */
  private static void figures(StringBuilder md, ScenarioResult r) {
    List<String> names = new ArrayList<>();
    for (ContenderResult c : r.contenders()) {
      for (String name : c.figures().keySet()) {
        if (!names.contains(name)) {
          names.add(name);
        }
      }
    }
    if (names.isEmpty()) {
      return;
    }
    md.append("\n| contender (median of the rounds) | ")
        .append(String.join(" | ", names))
        .append(" |\n|---|")
        .append("---:|".repeat(names.size()))
        .append('\n');
    for (ContenderResult c : r.contenders()) {
      List<String> cells = new ArrayList<>();
      cells.add(c.name());
      for (String name : names) {
        Double v = c.figures().get(name);
        cells.add(v == null ? "–" : String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%,.1f", v));
      }
      md.append(row(cells.toArray(String[]::new)));
    }
  }

  private static void bullet(StringBuilder md, String format, Object... args) {
    md.append("- ").append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  /**
   * @param micros a latency in microseconds
   * @return it readable: {@code 850 µs}, {@code 1.25 ms}, {@code 12.3 ms}, {@code 1,234 ms}
   */
  public static String micros(double micros) {
    if (micros < 10) {
      return String.format(Locale.ROOT, "%.1f µs", micros);
    }
    if (micros < 1000) {
      return String.format(Locale.ROOT, "%.0f µs", micros);
    }
    double ms = micros / 1000;
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (ms < 100) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%,.0f ms", ms);
  }
}
