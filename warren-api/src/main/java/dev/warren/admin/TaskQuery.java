package dev.warren.admin;

import dev.warren.InvalidInputException;
import dev.warren.tasks.TaskState;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which tasks {@link WarrenAdmin#tasks(TaskQuery)} lists.
 *
 * <pre>{@code
 * admin.tasks(TaskQuery.all().states(TaskState.FAILURE).name("image.render").limit(20));
 * }</pre>
 *
 * @param states the states wanted; empty for any
 * @param name the task name wanted, or {@code null} for any
 * @param limit how many at most, 1 to 1000
 */
public record TaskQuery(Set<TaskState> states, String name, int limit) {
  /** The most a query returns. */
  public static final int MAX_LIMIT = 1000;

  /** Canonical constructor: checks the limit. */
  public TaskQuery {
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(states);
    if (name != null && name.isBlank()) {
      name = null;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException(
          "task query limit " + limit + " is not between 1 and " + MAX_LIMIT);
    }
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
    return new TaskQuery(EnumSet.of(first, more), name, limit);
  }

  /**
   * @param taskName the task name wanted
   * @return this query for that task name only
   */
  public TaskQuery name(String taskName) {
    return new TaskQuery(states, taskName, limit);
  }

  /**
   * @param most how many at most, 1 to 1000
   * @return this query with that limit
   */
  public TaskQuery limit(int most) {
    return new TaskQuery(states, name, most);
  }
}
