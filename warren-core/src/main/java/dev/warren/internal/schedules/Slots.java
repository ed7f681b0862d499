package dev.warren.internal.schedules;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.warren.InvalidInputException;
import dev.warren.schedules.ScheduleInfo;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;

/**
 * When a schedule's slots fall. Slots are instants; a cron expression is read in its time zone with
 * these daylight-saving rules:
 *
 * <ul>
 *   <li>spring forward: local times that do not exist that day (02:30 when clocks jump from 02:00
 *       to 03:00) fire once, at the instant the clocks jump, so a daily job still runs that day;
 *   <li>fall back: a time of day named in the expression ({@code 0 30 2 * * *}) fires once, at its
 *       first occurrence; expressions that fire every hour or minute fire in both repeated hours,
 *       as those are real hours that pass.
 * </ul>
 */
public abstract sealed class Slots permits Slots.CronSlots, Slots.IntervalSlots {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

  /**
   * @param after an instant
   * @return the first slot strictly after it
   */
  public abstract Instant next(Instant after);

  /**
   * @param schedule a stored schedule
   * @return its slots
   * @throws InvalidInputException when its cron expression or zone is invalid
   */
  public static Slots of(ScheduleInfo schedule) {
    if (schedule.interval() != null) {
      return new IntervalSlots(schedule.createdAt(), schedule.interval());
    }
    return cron(schedule.cron(), zone(schedule.zone()));
  }

  /**
   * @param zone a zone id
   * @return the zone
   * @throws InvalidInputException when it is unknown
   */
  static ZoneId zone(String zone) {
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new InvalidInputException("time zone '" + zone + "' is unknown: " + e.getMessage());
    }
  }

  /**
   * @param expression a cron expression with seconds (six fields) or without (five: second 0)
   * @param zone where it is read
   * @return its slots
   * @throws InvalidInputException naming the expression when it is invalid or never fires
   */
  public static CronSlots cron(String expression, ZoneId zone) {
    String e = expression == null ? "" : expression.trim().replaceAll("\\s+", " ");
    String six = e.split(" ").length == 5 ? "0 " + e : e;
    Cron cron;
    try {
      cron = PARSER.parse(six);
      cron.validate();
    } catch (IllegalArgumentException ex) {
      throw new InvalidInputException(
          "cron expression '"
              + expression
              + "' is invalid: "
              + ex.getMessage()
              + " (six fields: second minute hour day-of-month month day-of-week)");
    }
    CronSlots slots = new CronSlots(ExecutionTime.forCron(cron), zone);
    // why: "0 0 0 30 2 *" parses but never fires; better refused when defined than silent forever
    Instant probe = Instant.parse("2000-01-01T00:00:00Z");
    try {
      slots.next(probe);
    } catch (RuntimeException ex) {
      throw new InvalidInputException(
          "cron expression '" + expression + "' never fires: " + ex.getMessage());
    }
    return slots;
  }

  /** Slots of a cron expression in a zone. */
  public static final class CronSlots extends Slots {
    private final ExecutionTime execution;
    private final ZoneId zone;

    private CronSlots(ExecutionTime execution, ZoneId zone) {
      this.execution = execution;
      this.zone = zone;
    }

    @Override
    public Instant next(Instant after) {
      // why: cron-utils keeps the fraction of a second it is given; slots fall on whole seconds
      Instant from = after.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      Instant candidate = plain(from.atZone(zone));
      ZoneOffsetTransition t = zone.getRules().nextTransition(from);
      if (t != null && t.isGap() && !t.getInstant().isAfter(candidate)) {
        // why: the local times in the gap [before, after) do not exist, so cron-utils jumps over
        // them; read the expression as wall-clock time to see whether it names one of them
        LocalDateTime gapStart = t.getDateTimeBefore();
        Optional<ZonedDateTime> inGap =
            execution.nextExecution(gapStart.minusNanos(1).atZone(ZoneOffset.UTC));
        if (inGap.isPresent() && inGap.get().toLocalDateTime().isBefore(t.getDateTimeAfter())) {
          return t.getInstant();
        }
      }
      return candidate;
    }

    private Instant plain(ZonedDateTime after) {
      return execution
          .nextExecution(after)
          .map(ZonedDateTime::toInstant)
          .orElseThrow(() -> new InvalidInputException("no slot after " + after));
    }
  }

  /** Slots every interval from an anchor. */
  public static final class IntervalSlots extends Slots {
    private final Instant anchor;
    private final Duration interval;

    IntervalSlots(Instant anchor, Duration interval) {
      this.anchor = anchor;
      this.interval = interval;
    }

    @Override
    public Instant next(Instant after) {
      if (after.isBefore(anchor)) {
        return anchor.plus(interval);
      }
      long step = interval.toMillis();
      long k = (after.toEpochMilli() - anchor.toEpochMilli()) / step + 1;
      return anchor.plusMillis(k * step);
    }
  }
}
