package dev.warren.bench;

import java.util.List;
import java.util.Map;

/**
 * A scenario's outcome: each contender's figures, Warren's ratios to each baseline, and the
 * targets.
 *
 * @param id the scenario id
 * @param title its heading
 * @param description what was measured
 * @param latencyMeaning what a latency sample is, or {@code null}
 * @param contenders each contender's figures, Warren first
 * @param comparisons Warren against each baseline
 * @param targets the targets checked
 * @param incidents rounds that failed and were run again after the broker came back
 */
public record ScenarioResult(
    String id,
    String title,
    String description,
    String latencyMeaning,
    List<ContenderResult> contenders,
    List<Comparison> comparisons,
    List<TargetResult> targets,
    List<String> incidents) {

  /**
   * One contender's figures over its measured rounds.
   *
   * @param name the contender
   * @param medianPerSecond median throughput of the rounds
   * @param minPerSecond slowest round
   * @param maxPerSecond fastest round
   * @param roundsPerSecond every round's throughput, in order
   * @param messages messages completed in all measured rounds
   * @param latency percentiles over all measured rounds, or {@code null}
   * @param otherCoresPerRound CPU (in cores) that processes other than the benchmark and the broker
   *     used during each round; {@code null} entries where unknown
   * @param maxOtherCores the largest of those, or {@code null} when unknown
   * @param clientCpuMicros CPU this JVM used per message over the measured rounds (library,
   *     harness, JIT and GC), in microseconds, or {@code null} when unknown
   * @param brokerCpuMicros CPU the broker used per message, in microseconds, or {@code null}
   * @param figures the median over the rounds of each of the scenario's other measurements (see
   *     {@link RoundResult#figures()}), in the order the scenario reports them; empty for most
   */
  public record ContenderResult(
      String name,
      double medianPerSecond,
      double minPerSecond,
      double maxPerSecond,
      List<Double> roundsPerSecond,
      long messages,
      LatencySummary latency,
      List<Double> otherCoresPerRound,
      Double maxOtherCores,
      Double clientCpuMicros,
      Double brokerCpuMicros,
      Map<String, Double> figures) {}

  /**
   * Latency percentiles from HdrHistogram (3 significant digits), in microseconds.
   *
   * @param samples how many latencies were recorded
   * @param p50Micros median
   * @param p99Micros 99th percentile
   * @param p999Micros 99.9th percentile
   * @param maxMicros the largest
   */
  public record LatencySummary(
      long samples, double p50Micros, double p99Micros, double p999Micros, double maxMicros) {}

  /**
   * A contender against a baseline.
   *
   * @param contender the contender, Warren
   * @param baseline the baseline
   * @param throughputRatio contender median throughput / baseline median throughput
   * @param p99Ratio contender p99 / baseline p99, or {@code null} without latencies
   */
  public record Comparison(
      String contender, String baseline, double throughputRatio, Double p99Ratio) {}

  /**
   * @param name a contender name
   * @return its figures
   * @throws IllegalArgumentException when there is no such contender
   */
  public ContenderResult contender(String name) {
    return contenders.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no contender '" + name + "' in " + id));
  }
}
