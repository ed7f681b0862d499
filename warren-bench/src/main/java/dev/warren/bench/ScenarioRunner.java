package dev.warren.bench;

import dev.warren.bench.ScenarioResult.Comparison;
import dev.warren.bench.ScenarioResult.ContenderResult;
import dev.warren.bench.ScenarioResult.LatencySummary;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Runs a scenario: opens its contenders, warms each up, then gives them measured rounds in turn (A,
 * B, C, A, B, C, ...), never two at once, and takes the median across rounds. Alternating spreads
 * slow drifts of the machine (page cache, broker state, a noisy neighbour) over every contender
 * instead of pinning them on whichever ran last.
 */
public final class ScenarioRunner {
  /** Failed rounds a scenario recovers from (broker restarted under it) before giving up. */
  static final int MAX_RECOVERIES = 3;

  private final BenchContext context;
  private final PrintStream log;

  /**
   * @param context the run's settings and broker
   * @param log where progress goes, standard error in the command line
   */
  public ScenarioRunner(BenchContext context, PrintStream log) {
    this.context = context;
    this.log = log;
  }

  /**
   * @param scenario the scenario
   * @return its result
   * @throws Exception when a contender failed: a benchmark with errors has no meaning
   */
  public ScenarioResult run(Scenario scenario) throws Exception {
    // why: on a shared machine a build beside the benchmark moves the figures more than any
    // library; a round is started only once the machine is quiet (or the wait ran out), and a
    // round that other processes disturbed anyway is run again, up to the configured repeats
    BenchConfig config = context.config();
    List<Contender> contenders =
        scenario.contenders(context).stream().filter(c -> config.includes(c.name())).toList();
    if (contenders.isEmpty()) {
      throw new IllegalArgumentException(
          "no contender of " + scenario.id() + " matches " + config.only());
    }
    List<List<RoundResult>> rounds = new ArrayList<>();
    List<List<Double>> disturbance = new ArrayList<>();
    List<List<Double>> clientCpu = new ArrayList<>();
    List<List<Double>> brokerCpu = new ArrayList<>();
    List<Contender> opened = new ArrayList<>();
    List<String> incidents = new ArrayList<>();
    try {
      for (Contender c : contenders) {
        open(scenario, c, incidents);
        opened.add(c);
        rounds.add(new ArrayList<>());
        disturbance.add(new ArrayList<>());
        clientCpu.add(new ArrayList<>());
        brokerCpu.add(new ArrayList<>());
      }
      if (!config.warmup().isZero()) {
        for (Contender c : contenders) {
          settle();
          MachineLoad.Sample before = MachineLoad.sample();
          RoundResult r = attempt(scenario, contenders, c, config.warmup(), incidents);
          double other = MachineLoad.otherCores(before, MachineLoad.sample());
          log.printf(
              Locale.ROOT, "[%s] warm-up  %-22s %s%n", scenario.id(), c.name(), line(r, other));
        }
      }
      for (int round = 1; round <= config.rounds(); round++) {
        for (int i = 0; i < contenders.size(); i++) {
          Contender c = contenders.get(i);
          for (int attempt = 0; ; attempt++) {
            settle();
            MachineLoad.Sample before = MachineLoad.sample();
            RoundResult r = attempt(scenario, contenders, c, config.round(), incidents);
            MachineLoad.Sample after = MachineLoad.sample();
            double other = MachineLoad.otherCores(before, after);
            boolean disturbed = other > Report.DISTURBED_CORES;
            boolean repeat = disturbed && attempt < config.repeats();
            log.printf(
                Locale.ROOT,
                "[%s] round %d/%d %-22s %s%s%n",
                scenario.id(),
                round,
                config.rounds(),
                c.name(),
                line(r, other),
                repeat ? "  disturbed, repeating" : "");
            if (!repeat) {
              rounds.get(i).add(r);
              disturbance.get(i).add(other);
              clientCpu.get(i).add(MachineLoad.selfSeconds(before, after));
              brokerCpu.get(i).add(MachineLoad.brokerSeconds(before, after));
              break;
            }
          }
        }
      }
    } finally {
      for (int i = opened.size() - 1; i >= 0; i--) {
        opened.get(i).close();
      }
    }
    return result(scenario, contenders, rounds, disturbance, clientCpu, brokerCpu, incidents);
  }

  /**
   * Runs one round. When it fails and the run has a broker, the failure is recorded, every
   * contender is closed, the broker waited for and the contenders opened again, and the round is
   * run again: on a shared machine other processes restart the broker (fault-injection tests do),
   * and that must not throw away the rounds measured so far. A scenario gives up after {@value
   * #MAX_RECOVERIES} such failures, so a contender that fails by itself still fails the run.
   */
  private RoundResult attempt(
      Scenario scenario,
      List<Contender> contenders,
      Contender c,
      Duration length,
      List<String> incidents)
      throws Exception {
    while (true) {
      try {
        return c.run(length);
      } catch (Exception e) {
        if (context.broker() == null || incidents.size() >= MAX_RECOVERIES) {
          throw e;
        }
        String incident = LocalTime.now().withNano(0) + " " + c.name() + ": " + e.getMessage();
        incidents.add(incident);
        log.printf(
            Locale.ROOT,
            "[%s] round failed (%s); waiting for the broker, reopening the contenders, repeating%n",
            scenario.id(),
            incident);
        for (Contender x : contenders) {
          x.close();
        }
        context.broker().awaitAvailable(Duration.ofSeconds(120));
        for (Contender x : contenders) {
          x.open();
        }
      }
    }
  }

  /**
   * Opens a contender; like a round, an opening that fails while another process restarts the
   * broker is recorded and tried again once the broker is back.
   */
  private void open(Scenario scenario, Contender c, List<String> incidents) throws Exception {
    while (true) {
      try {
        c.open();
        return;
      } catch (Exception e) {
        if (context.broker() == null || incidents.size() >= MAX_RECOVERIES) {
          throw e;
        }
        String incident =
            LocalTime.now().withNano(0) + " " + c.name() + " opening: " + e.getMessage();
        incidents.add(incident);
        log.printf(
            Locale.ROOT,
            "[%s] opening failed (%s); waiting for the broker, trying again%n",
            scenario.id(),
            incident);
        c.close();
        context.broker().awaitAvailable(Duration.ofSeconds(120));
      }
    }
  }

  /**
   * Collects the garbage the previous contender left, so it is not collected during this one's
   * round, lets the broker finish the previous round's purge, and waits (up to the configured time)
   * until other processes leave the machine alone.
   */
  private void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(300);
    long deadline = System.nanoTime() + context.config().quietWait().toNanos();
    while (System.nanoTime() < deadline) {
      MachineLoad.Sample before = MachineLoad.sample();
      Thread.sleep(500);
      double other = MachineLoad.otherCores(before, MachineLoad.sample());
      if (Double.isNaN(other) || other <= Report.DISTURBED_CORES) {
        return;
      }
    }
  }

  private static String line(RoundResult r, double otherCores) {
    Histogram h = r.latency();
    String latency =
        h == null || h.getTotalCount() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "  p50 %s  p99 %s  p99.9 %s",
                Report.micros(h.getValueAtPercentile(50) / 1e3),
                Report.micros(h.getValueAtPercentile(99) / 1e3),
                Report.micros(h.getValueAtPercentile(99.9) / 1e3));
    String other =
        Double.isNaN(otherCores)
            ? ""
            : String.format(Locale.ROOT, "  (other processes: %.2f cores)", otherCores);
    return String.format(Locale.ROOT, "%,12.0f msg/s%s%s", r.perSecond(), latency, other);
  }

  static ScenarioResult result(
      Scenario scenario,
      List<Contender> contenders,
      List<List<RoundResult>> rounds,
      List<List<Double>> disturbance,
      List<List<Double>> clientCpu,
      List<List<Double>> brokerCpu,
      List<String> incidents) {
    List<ContenderResult> results = new ArrayList<>();
    for (int i = 0; i < contenders.size(); i++) {
      results.add(
          summarize(
              contenders.get(i).name(),
              rounds.get(i),
              disturbance.get(i),
              clientCpu.get(i),
              // why: without the broker in the scenario its CPU is idle noise, not a cost
              scenario.needsBroker() ? brokerCpu.get(i) : List.of()));
    }
    List<Comparison> comparisons = new ArrayList<>();
    ContenderResult first = results.get(0);
    // why: comparisons and targets are Warren's; a run without Warren (--only) has none
    boolean warren = first.name().startsWith("Warren");
    for (ContenderResult baseline :
        warren ? results.subList(1, results.size()) : results.subList(0, 0)) {
      Double p99 =
          first.latency() == null || baseline.latency() == null
              ? null
              : first.latency().p99Micros() / baseline.latency().p99Micros();
      comparisons.add(
          new Comparison(
              first.name(),
              baseline.name(),
              first.medianPerSecond() / baseline.medianPerSecond(),
              p99));
    }
    ScenarioResult partial =
        new ScenarioResult(
            scenario.id(),
            scenario.title(),
            scenario.description(),
            scenario.latencyMeaning(),
            List.copyOf(results),
            List.copyOf(comparisons),
            List.of(),
            List.copyOf(incidents));
    List<TargetResult> targets =
        scenario.targets().stream()
            .filter(t -> warren && t.appliesTo(partial))
            .map(t -> t.check(partial))
            .toList();
    return new ScenarioResult(
        partial.id(),
        partial.title(),
        partial.description(),
        partial.latencyMeaning(),
        partial.contenders(),
        partial.comparisons(),
        targets,
        partial.incidents());
  }

  private static ContenderResult summarize(
      String name,
      List<RoundResult> rounds,
      List<Double> otherCores,
      List<Double> clientCpu,
      List<Double> brokerCpu) {
    List<Double> perSecond = rounds.stream().map(RoundResult::perSecond).toList();
    List<Double> sorted = perSecond.stream().sorted().toList();
    int n = sorted.size();
    double median = median(sorted);
    long messages = rounds.stream().mapToLong(RoundResult::messages).sum();
    Histogram all = null;
    for (RoundResult r : rounds) {
      if (r.latency() != null) {
        if (all == null) {
          all = new Histogram(3);
          all.setAutoResize(true);
        }
        all.add(r.latency());
      }
    }
    LatencySummary latency =
        all == null || all.getTotalCount() == 0
            ? null
            : new LatencySummary(
                all.getTotalCount(),
                all.getValueAtPercentile(50) / 1e3,
                all.getValueAtPercentile(99) / 1e3,
                all.getValueAtPercentile(99.9) / 1e3,
                all.getMaxValue() / 1e3);
    Double maxOther = otherCores.stream().filter(d -> !d.isNaN()).max(Double::compare).orElse(null);
    return new ContenderResult(
        name,
        median,
        sorted.get(0),
        sorted.get(n - 1),
        perSecond,
        messages,
        latency,
        otherCores.stream().map(d -> d.isNaN() ? null : d).toList(),
        maxOther,
        perMessageMicros(clientCpu, rounds),
        perMessageMicros(brokerCpu, rounds),
        medianFigures(rounds));
  }

  /** Each figure's median over the rounds that have it, in the order the first round has them. */
  private static Map<String, Double> medianFigures(List<RoundResult> rounds) {
    Map<String, Double> medians = new LinkedHashMap<>();
    for (RoundResult r : rounds) {
      for (String name : r.figures().keySet()) {
        if (!medians.containsKey(name)) {
          medians.put(
              name,
              median(
                  rounds.stream()
                      .map(x -> x.figures().get(name))
                      .filter(v -> v != null)
                      .sorted()
                      .toList()));
        }
      }
    }
    return Collections.unmodifiableMap(medians);
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** CPU seconds over all rounds divided by the messages of all rounds, in microseconds. */
  private static Double perMessageMicros(List<Double> cpuSeconds, List<RoundResult> rounds) {
    if (cpuSeconds.isEmpty() || cpuSeconds.stream().anyMatch(d -> d.isNaN())) {
      return null;
    }
    long messages = rounds.stream().mapToLong(RoundResult::messages).sum();
    double seconds = cpuSeconds.stream().mapToDouble(Double::doubleValue).sum();
    return messages == 0 ? null : seconds * 1e6 / messages;
  }
}
