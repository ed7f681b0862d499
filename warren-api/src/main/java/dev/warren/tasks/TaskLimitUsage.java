package dev.warren.tasks;

import java.util.Map;

/**
 * A task name's declared limits and how much of them is in use now, across every worker sharing the
 * task store ({@link dev.warren.admin.WarrenAdmin#taskLimits()}, {@code GET /tasks/limits}).
 *
 * @param name the task name
 * @param limits its limits
 * @param running how many of its tasks hold a permit now
 * @param runningByKey of those, how many per limit key (keys with none are left out)
 * @param startsInWindow how many started within the rate window ending now (0 without a rate)
 * @param deferred how many times a task of the name was sent to wait because a limit was reached,
 *     in total (the count survives a new declaration of the limits)
 */
public record TaskLimitUsage(
    String name,
    TaskLimits limits,
    int running,
    Map<String, Integer> runningByKey,
    int startsInWindow,
    long deferred) {
  /** Canonical constructor: copies the per-key counts. */
  public TaskLimitUsage {
    runningByKey = runningByKey == null ? Map.of() : Map.copyOf(runningByKey);
  }
}
