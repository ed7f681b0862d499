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

  /**
   * Warren's p99 latency is at most {@code millis}.
   *
   * @param millis the largest p99, in milliseconds
   */
  record P99AtMost(double millis) implements Target {
    @Override
    public boolean appliesTo(ScenarioResult result) {
      return result.contenders().get(0).latency() != null;
    }

    @Override
    public TargetResult check(ScenarioResult result) {
      ContenderResult warren = result.contenders().get(0);
      double p99 = warren.latency().p99Micros() / 1000;
      return new TargetResult(
          result.id(),
          String.format(Locale.ROOT, "%s p99 <= %s ms", warren.name(), number(millis)),
          String.format(Locale.ROOT, "%.2f ms", p99),
          p99 <= millis);
    }
  }

  /**
   * Warren's median of one of the scenario's figures ({@link RoundResult#figures()}) is at most
   * {@code atMost}.
   *
   * @param figure the figure's name, with its unit, for example {@code "resident idle, MB"}
   * @param atMost the largest value
   */
  record FigureAtMost(String figure, double atMost) implements Target {
    @Override
    public boolean appliesTo(ScenarioResult result) {
      return result.contenders().get(0).figures().containsKey(figure);
    }

    @Override
    public TargetResult check(ScenarioResult result) {
      ContenderResult warren = result.contenders().get(0);
      double value = warren.figures().get(figure);
      return new TargetResult(
          result.id(),
          String.format(Locale.ROOT, "%s %s <= %s", warren.name(), figure, number(atMost)),
          number(value),
          value <= atMost);
    }
  }

  /**
   * What Warren costs in throughput against a baseline that is Warren with something switched off,
   * {@code (1 - Warren / baseline) x 100}, is at most {@code percent}.
   *
   * @param baseline the baseline's name
   * @param percent the largest cost, in percent
   */
  record CostAtMost(String baseline, double percent) implements Target {
    @Override
    public boolean appliesTo(ScenarioResult result) {
      return result.contenders().stream().anyMatch(c -> c.name().equals(baseline));
    }

    @Override
    public TargetResult check(ScenarioResult result) {
      ContenderResult warren = result.contenders().get(0);
      double cost =
          (1 - warren.medianPerSecond() / result.contender(baseline).medianPerSecond()) * 100;
      return new TargetResult(
          result.id(),
          String.format(
              Locale.ROOT,
              "%s msg/s costs <= %s %% against %s",
              warren.name(),
              number(percent),
              baseline),
          String.format(Locale.ROOT, "%.1f %%", cost),
          cost <= percent);
    }
  }

  /**
   * @param value a limit or a figure
   * @return it with at most one decimal, for example {@code 1,000} or {@code 7.5}
   */
  private static String number(double value) {
    return value == Math.rint(value)
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%,.1f", value);
  }
}
