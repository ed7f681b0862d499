package dev.warren.tasks.spi;

import dev.warren.tasks.TaskLimitUsage;
import dev.warren.tasks.TaskLimits;
import java.time.Instant;
import java.util.Map;

/**
 * Where task limits are declared and their permits counted, shared by every worker that uses the
 * same task store ({@link TaskStore#limitStore()}), so a limit holds across processes. Each permit
 * is a lease held by one task ({@code holder}, its id): a worker that dies holding one loses it
 * when the lease runs out, and a task run again takes its own permit over instead of counting
 * twice.
 *
 * <p>Implementations check and take a permit atomically (one Lua script, one transaction under a
 * lock): two workers never both get the last one.
 */
public interface TaskLimitStore {

  /**
   * Declares (or replaces) the limits of a task name; {@link TaskLimits#none()} removes them.
   *
   * @param name the task name
   * @param limits its limits
   */
  void putLimits(String name, TaskLimits limits);

  /**
   * @return every declared limit, by task name
   */
  Map<String, TaskLimits> limits();

  /**
   * Takes a permit for a task when its name's limits allow one more start now, counting the start
   * towards the rate; otherwise counts a deferral.
   *
   * @param name the task name
   * @param key its limit key, or {@code null}
   * @param holder the task id
   * @param limits the name's limits
   * @param now the current time
   * @param leaseUntil when the permit lapses unless renewed
   * @return the permit, or the refusal with a time to ask again
   */
  TaskPermit acquire(
      String name, String key, String holder, TaskLimits limits, Instant now, Instant leaseUntil);

  /**
   * Extends a held permit's lease.
   *
   * @param name the task name
   * @param key its limit key, or {@code null}
   * @param holder the task id
   * @param leaseUntil the new end of the lease
   */
  void renew(String name, String key, String holder, Instant leaseUntil);

  /**
   * Gives a permit back (idempotent).
   *
   * @param name the task name
   * @param key its limit key, or {@code null}
   * @param holder the task id
   */
  void release(String name, String key, String holder);

  /**
   * @param name the task name
   * @param limits its limits
   * @param now the current time
   * @return how much of them is in use now
   */
  TaskLimitUsage usage(String name, TaskLimits limits, Instant now);
}
