package dev.warren.bench;

import java.util.List;

/**
 * Everything a run produced, as written to the JSON report.
 *
 * @param generatedAt when the run finished, ISO-8601
 * @param command the command line, for repeating the run
 * @param environment machine, JDK, broker and library versions
 * @param settings what every contender ran with
 * @param scenarios each scenario's result
 * @param targets every target checked, over all scenarios
 */
public record BenchReport(
    String generatedAt,
    String command,
    Environment environment,
    Settings settings,
    List<ScenarioResult> scenarios,
    List<TargetResult> targets) {

  /**
   * The settings shared by every contender.
   *
   * @param payloadBytes message body size
   * @param confirmWindow unconfirmed publishes in flight at most
   * @param prefetch consumer prefetch
   * @param rounds measured rounds per contender
   * @param roundSeconds length of one round
   * @param warmupSeconds unmeasured warm-up per contender
   * @param quietWaitSeconds the longest wait before a round for other processes to go quiet
   * @param repeats how many times a disturbed round was allowed to run again
   * @param springSend how Spring AMQP sent: {@code scoped} or {@code per-message}
   */
  public record Settings(
      int payloadBytes,
      int confirmWindow,
      int prefetch,
      int rounds,
      double roundSeconds,
      double warmupSeconds,
      double quietWaitSeconds,
      int repeats,
      String springSend) {}
}
