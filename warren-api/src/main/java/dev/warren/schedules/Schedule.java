package dev.warren.schedules;

import dev.warren.InvalidInputException;
import dev.warren.tasks.TaskOptions;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A recurring schedule: when (a cron expression in a time zone, or a fixed interval) and what (a
 * task and its arguments). Immutable; built with a validating {@link Builder}, defined with {@link
 * Schedules#define(Schedule)}.
 *
 * <pre>{@code
 * warren.schedules().define(
 *     Schedule.cron("nightly-report", "0 30 2 * * *")      // sec min hour day month weekday
 *         .zone(ZoneId.of("Europe/Paris"))
 *         .task("report.build").args(Map.of("kind", "daily"))
 *         .missedSlots(MissedSlots.FIRE_ONCE)
 *         .build());
 * warren.schedules().define(Schedule.every("heartbeat", Duration.ofSeconds(10)).build());
 * }</pre>
 *
 * <p>A cron expression has six fields, seconds first ({@code 0 0 * * * *} is every hour); five
 * fields mean second 0. The expression itself is checked when the schedule is defined.
 */
public final class Schedule {
  /** How many firings a schedule keeps in its history when none is given. */
  public static final int DEFAULT_HISTORY = 50;

  /** The shortest interval: every slot is a write to the shared store. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private final String name;
  private final String cron;
  private final Duration interval;
  private final ZoneId zone;
  private final String task;
  private final Object args;
  private final String queue;
  private final MissedSlots missedSlots;
  private final int history;

  private Schedule(Builder b) {
    this.name = b.name;
    this.cron = b.cron;
    this.interval = b.interval;
    this.zone = b.zone;
    this.task = b.task == null ? b.name : b.task;
    this.args = b.args;
    this.queue = b.queue;
    this.missedSlots = b.missedSlots;
    this.history = b.history;
  }

  /**
   * @param name the schedule's name: letters, digits, {@code -} and {@code _}, dot-separated; also
   *     the task it submits unless {@link Builder#task(String)} says otherwise
   * @param cron a cron expression with seconds: {@code second minute hour day-of-month month
   *     day-of-week}
   * @return a builder for a cron schedule, in UTC until {@link Builder#zone(ZoneId)}
   * @throws InvalidInputException when the name is invalid or the expression blank
   */
  public static Builder cron(String name, String cron) {
    Builder b = new Builder(name);
    if (cron == null || cron.isBlank()) {
      throw new InvalidInputException("cron expression of schedule '" + name + "' is empty");
    }
    b.cron = cron.trim().replaceAll("\\s+", " ");
    return b;
  }

  /**
   * @param name the schedule's name
   * @param interval the time between firings, at least {@link #MIN_INTERVAL}; slots are counted
   *     from when the schedule was first defined
   * @return a builder for an interval schedule
   * @throws InvalidInputException when the name or the interval is invalid
   */
  public static Builder every(String name, Duration interval) {
    Builder b = new Builder(name);
    if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
      throw new InvalidInputException(
          "interval of schedule '"
              + name
              + "' must be at least "
              + MIN_INTERVAL.toSeconds()
              + "s, not "
              + interval);
    }
    b.interval = interval;
    return b;
  }

  /**
   * @param name a schedule or task name
   * @return why it is invalid, or {@code null} when it is valid
   */
  public static String nameProblem(String name) {
    if (name == null || name.isEmpty() || name.length() > 200 || !NAME.matcher(name).matches()) {
      return "'"
          + name
          + "' is invalid: use 1-200 letters, digits, '-' or '_', in dot-separated words";
    }
    return null;
  }

  /**
   * @return the schedule's name
   */
  public String name() {
    return name;
  }

  /**
   * @return the cron expression, or {@code null} for an interval schedule
   */
  public String cron() {
    return cron;
  }

  /**
   * @return the interval, or {@code null} for a cron schedule
   */
  public Duration interval() {
    return interval;
  }

  /**
   * @return the time zone the cron expression is read in
   */
  public ZoneId zone() {
    return zone;
  }

  /**
   * @return the task each firing submits
   */
  public String task() {
    return task;
  }

  /**
   * @return the task's arguments (encoded as JSON when defined), or {@code null}
   */
  public Object args() {
    return args;
  }

  /**
   * @return the task queue the tasks go to
   */
  public String queue() {
    return queue;
  }

  /**
   * @return what happens to slots that were missed
   */
  public MissedSlots missedSlots() {
    return missedSlots;
  }

  /**
   * @return how many of its last firings the store keeps
   */
  public int history() {
    return history;
  }

  @Override
  public String toString() {
    return "Schedule["
        + name
        + ", "
        + (cron != null ? "cron '" + cron + "' " + zone : "every " + interval)
        + ", task "
        + task
        + ", missed "
        + missedSlots
        + "]";
  }

  /** Builds a {@link Schedule}; every setter checks its value. */
  public static final class Builder {
    private final String name;
    private String cron;
    private Duration interval;
    private ZoneId zone = ZoneOffset.UTC;
    private String task;
    private Object args;
    private String queue = TaskOptions.DEFAULT_QUEUE;
    private MissedSlots missedSlots = MissedSlots.FIRE_ONCE;
    private int history = DEFAULT_HISTORY;

    private Builder(String name) {
      String problem = nameProblem(name);
      if (problem != null) {
        throw new InvalidInputException("schedule name " + problem);
      }
      this.name = name;
    }

    /**
     * @param zone the time zone a cron expression is read in (daylight saving time included)
     * @return this builder
     */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * @param zone a time zone id such as {@code Europe/Paris} or {@code UTC}
     * @return this builder
     * @throws InvalidInputException when the zone is unknown
     */
    public Builder zone(String zone) {
      try {
        this.zone = ZoneId.of(Objects.requireNonNull(zone, "zone"));
      } catch (DateTimeException e) {
        throw new InvalidInputException("time zone '" + zone + "' is unknown: " + e.getMessage());
      }
      return this;
    }

    /**
     * @param task the task each firing submits (by default the schedule's name)
     * @return this builder
     * @throws InvalidInputException when the name is invalid
     */
    public Builder task(String task) {
      String problem = nameProblem(task);
      if (problem != null) {
        throw new InvalidInputException("task name " + problem);
      }
      this.task = task;
      return this;
    }

    /**
     * @param args the task's arguments, encoded as JSON when the schedule is defined; {@code null}
     *     for none
     * @return this builder
     */
    public Builder args(Object args) {
      this.args = args;
      return this;
    }

    /**
     * @param queue the task queue the tasks go to
     * @return this builder
     * @throws InvalidInputException when the queue name is invalid
     */
    public Builder queue(String queue) {
      TaskOptions.builder().queue(queue);
      this.queue = queue;
      return this;
    }

    /**
     * @param missedSlots what happens to slots that were missed (default {@link
     *     MissedSlots#FIRE_ONCE})
     * @return this builder
     */
    public Builder missedSlots(MissedSlots missedSlots) {
      this.missedSlots = Objects.requireNonNull(missedSlots, "missedSlots");
      return this;
    }

    /**
     * @param history how many of its last firings to keep, 1 to 10000
     * @return this builder
     * @throws InvalidInputException when out of range
     */
    public Builder history(int history) {
      if (history < 1 || history > 10_000) {
        throw new InvalidInputException("history must be 1 to 10000 firings, not " + history);
      }
      this.history = history;
      return this;
    }

    /**
     * @return the schedule
     */
    public Schedule build() {
      return new Schedule(this);
    }
  }
}
