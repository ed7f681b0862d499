package dev.warren.bench;

import java.util.List;

/**
 * Something measured for Warren and its baselines. To add one, implement this and list it in {@link
 * dev.warren.bench.scenarios.Scenarios}.
 */
public interface Scenario {
  /**
   * @return the id used on the command line and in the JSON, for example {@code publish-classic}
   */
  String id();

  /**
   * @return the heading in the report
   */
  String title();

  /**
   * @return what exactly is measured, in a sentence or two, for the report
   */
  String description();

  /**
   * @return what a latency sample is in this scenario, for example {@code publish to confirm}; or
   *     {@code null} when none is measured
   */
  String latencyMeaning();

  /**
   * @return whether it needs RabbitMQ
   */
  boolean needsBroker();

  /**
   * @param context the run's settings and broker
   * @return the contenders, Warren first
   */
  List<Contender> contenders(BenchContext context);

  /**
   * @return the targets Warren should meet, checked and reported but never enforced
   */
  List<Target> targets();
}
