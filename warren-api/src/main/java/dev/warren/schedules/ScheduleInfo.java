package dev.warren.schedules;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A schedule as the store keeps it, shared by every instance: its definition, whether it is paused,
 * and the last slot any instance claimed.
 *
 * @param name the schedule's name
 * @param cron the cron expression, or {@code null} for an interval schedule
 * @param zone the cron expression's time zone id
 * @param interval the interval, or {@code null} for a cron schedule
 * @param task the task each firing submits
 * @param args the task's arguments as JSON text, or {@code null}
 * @param queue the task queue
 * @param missedSlots what happens to missed slots
 * @param history how many firings are kept
 * @param paused whether it is paused
 * @param createdAt when it was first defined (interval slots count from here)
 * @param resumedAt when it was last resumed (slots before are not made up), or {@code null}
 * @param lastSlot the last planned slot claimed (fired or skipped), or {@code null}
 * @param nextSlot the next slot to fire, as computed by {@link Schedules}; stores leave it {@code
 *     null}
 */
public record ScheduleInfo(
    String name,
    String cron,
    String zone,
    Duration interval,
    String task,
    String args,
    String queue,
    MissedSlots missedSlots,
    int history,
    boolean paused,
    Instant createdAt,
    Instant resumedAt,
    Instant lastSlot,
    Instant nextSlot) {
  /** Checks the required parts. */
  public ScheduleInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(missedSlots, "missedSlots");
    Objects.requireNonNull(createdAt, "createdAt");
    if ((cron == null) == (interval == null)) {
      throw new IllegalArgumentException("a schedule has a cron expression or an interval");
    }
  }

  /**
   * @param next the next slot
   * @return this schedule with {@link #nextSlot()} set
   */
  public ScheduleInfo withNextSlot(Instant next) {
    return new ScheduleInfo(
        name,
        cron,
        zone,
        interval,
        task,
        args,
        queue,
        missedSlots,
        history,
        paused,
        createdAt,
        resumedAt,
        lastSlot,
        next);
  }

  /**
   * @return {@code cron '<expression>' <zone>} or {@code every <interval>}
   */
  public String when() {
    return cron != null ? "cron '" + cron + "' " + zone : "every " + interval;
  }
}
