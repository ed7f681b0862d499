package dev.warren.bench;

import dev.warren.bench.ScenarioResult.ContenderResult;
import java.util.Locale;

/**
 * What the first contender (Warren) of a scenario should achieve. Reported, never enforced: a
 * benchmark on a shared 2-core machine is evidence, not a gate.
 */
public sealed interface Target {
  /**
   * @param result the scenario's result
   * @return whether Warren met it, and by how much
   */
  TargetResult check(ScenarioResult result);

  /**
   * @param result the scenario's result
   * @return whether every contender the target names took part
   */
  default boolean appliesTo(ScenarioResult result) {
    return true;
  }

  /**
   * Warren's median throughput is at least {@code atLeast} times the baseline's.
   *
   * @param baseline the baseline's name
   * @param atLeast the least ratio
   */
  record ThroughputVs(String baseline, double atLeast) implements Target {
    @Override
    public boolean appliesTo(ScenarioResult result) {
      return result.contenders().stream().anyMatch(c -> c.name().equals(baseline));
    }

    @Override
    public TargetResult check(ScenarioResult result) {
      ContenderResult warren = result.contenders().get(0);
      double ratio = warren.medianPerSecond() / result.contender(baseline).medianPerSecond();
      return new TargetResult(
          result.id(),
          String.format(Locale.ROOT, "%s msg/s >= %.2f x %s", warren.name(), atLeast, baseline),
          String.format(Locale.ROOT, "%.3f x", ratio),
          ratio >= atLeast);
    }
  }

  /**
   * Warren's p99 latency is at most {@code atMost} times the baseline's.
   *
   * @param baseline the baseline's name
   * @param atMost the largest ratio
   */
  record P99Vs(String baseline, double atMost) implements Target {
    @Override
    public boolean appliesTo(ScenarioResult result) {
      return result.contenders().stream().anyMatch(c -> c.name().equals(baseline));
    }

    @Override
    public TargetResult check(ScenarioResult result) {
      ContenderResult warren = result.contenders().get(0);
      ContenderResult base = result.contender(baseline);
      double ratio = warren.latency().p99Micros() / base.latency().p99Micros();
      return new TargetResult(
          result.id(),
          String.format(Locale.ROOT, "%s p99 <= %.2f x %s", warren.name(), atMost, baseline),
          String.format(Locale.ROOT, "%.3f x", ratio),
          ratio <= atMost);
    }
  }

  /**
   * Warren's median throughput is at least {@code perSecond}.
   *
   * @param perSecond the least throughput
   */
  record AtLeastPerSecond(double perSecond) implements Target {
    @Override
    public TargetResult check(ScenarioResult result) {
      ContenderResult warren = result.contenders().get(0);
      return new TargetResult(
          result.id(),
          String.format(Locale.ROOT, "%s >= %,.0f events/s", warren.name(), perSecond),
          String.format(Locale.ROOT, "%,.0f events/s", warren.medianPerSecond()),
          warren.medianPerSecond() >= perSecond);
    }
  }
}
