package dev.warren.admin;

import dev.warren.InvalidInputException;
import dev.warren.tasks.TaskState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which tasks {@link WarrenAdmin#tasks(TaskQuery)} lists.
 *
 * <pre>{@code
 * admin.tasks(TaskQuery.all().states(TaskState.FAILURE).name("image.render").limit(20));
 * admin.tasks(TaskQuery.all().since(Instant.now().minus(Duration.ofHours(1))));
 * }</pre>
 *
 * @param states the states wanted; empty for any
 * @param name the task name wanted, or {@code null} for any
 * @param since only tasks last changed at or after this instant, or {@code null}
 * @param until only tasks last changed before this instant, or {@code null}
 * @param limit how many at most, 1 to 1000
 */
public record TaskQuery(
    Set<TaskState> states, String name, Instant since, Instant until, int limit) {
  /** The most a query returns. */
  public static final int MAX_LIMIT = 1000;

  /** Canonical constructor: checks the limit and the time range. */
  public TaskQuery {
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(states);
    if (name != null && name.isBlank()) {
      name = null;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException(
          "task query limit " + limit + " is not between 1 and " + MAX_LIMIT);
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new InvalidInputException(
          "task query since " + since + " is not before until " + until);
    }
  }

  /**
   * A query without a time range.
   *
   * @param states the states wanted; empty for any
   * @param name the task name wanted, or {@code null} for any
   * @param limit how many at most, 1 to 1000
   */
  public TaskQuery(Set<TaskState> states, String name, int limit) {
    this(states, name, null, null, limit);
  }

  /**
   * @return every task, the 100 most recently changed
   */
  public static TaskQuery all() {
    return new TaskQuery(Set.of(), null, 100);
  }

  /**
   * @param first a state wanted
   * @param more more states wanted
   * @return this query for those states only
   */
  public TaskQuery states(TaskState first, TaskState... more) {
    return new TaskQuery(EnumSet.of(first, more), name, since, until, limit);
  }

  /**
   * @param taskName the task name wanted
   * @return this query for that task name only
   */
  public TaskQuery name(String taskName) {
    return new TaskQuery(states, taskName, since, until, limit);
  }

  /**
   * @param from the earliest last change wanted (inclusive), or {@code null}
   * @return this query for tasks changed at or after it
   */
  public TaskQuery since(Instant from) {
    return new TaskQuery(states, name, from, until, limit);
  }

  /**
   * @param before the end of the range (exclusive), or {@code null}
   * @return this query for tasks last changed before it
   */
  public TaskQuery until(Instant before) {
    return new TaskQuery(states, name, since, before, limit);
  }

  /**
   * @param most how many at most, 1 to 1000
   * @return this query with that limit
   */
  public TaskQuery limit(int most) {
    return new TaskQuery(states, name, since, until, most);
  }

  /**
   * @param status a task's status
   * @return whether it matches this query's states, name and time range
   */
  public boolean matches(dev.warren.tasks.TaskStatus status) {
    return (states.isEmpty() || states.contains(status.state()))
        && (name == null || name.equals(status.name()))
        && (since == null || !status.updatedAt().isBefore(since))
        && (until == null || status.updatedAt().isBefore(until));
  }
}
