package dev.warren.tasks;

import dev.warren.InvalidInputException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Limits on one task name that hold across every worker sharing the task store: a rate (starts per
 * window), a concurrency (tasks of the name running at once) and a per-key concurrency (tasks with
 * the same {@link TaskOptions#limitKey()} running at once: 1 makes it a mutex). 0 means no such
 * limit. A task over a limit waits in the broker (a wait queue, as a retry does), not in a worker.
 *
 * <pre>{@code
 * tasks.limit("report.build", TaskLimits.parse("100/s").concurrency(8).perKeyConcurrency(1));
 * tasks.submit("report.build", args, TaskOptions.builder().limitKey(customerId).build());
 * }</pre>
 *
 * @param rate the most starts within {@code ratePer}, 0 for no rate limit
 * @param ratePer the window the rate counts over; {@code null} when there is no rate limit
 * @param concurrency the most tasks of the name running at once, 0 for no limit
 * @param perKeyConcurrency the most tasks of the name with the same limit key running at once, 0
 *     for no limit
 */
public record TaskLimits(int rate, Duration ratePer, int concurrency, int perKeyConcurrency) {
  private static final Pattern RATE =
      Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{0,9})\\s*(ms|s|m|h)\\s*");

  /** Canonical constructor: checks every limit. */
  public TaskLimits {
    if (rate < 0 || concurrency < 0 || perKeyConcurrency < 0) {
      throw new InvalidInputException(
          "task limits must be 0 (none) or more, not rate="
              + rate
              + ", concurrency="
              + concurrency
              + ", perKeyConcurrency="
              + perKeyConcurrency);
    }
    if (rate > 0
        && (ratePer == null
            || ratePer.toMillis() < 1
            || ratePer.compareTo(Duration.ofDays(1)) > 0)) {
      throw new InvalidInputException(
          "a task rate limit needs a window from 1 ms to 1 day, not " + ratePer);
    }
    if (rate == 0) {
      ratePer = null;
    }
  }

  /**
   * @return no limits
   */
  public static TaskLimits none() {
    return new TaskLimits(0, null, 0, 0);
  }

  /**
   * @param rate a rate such as {@code 100/s}, {@code 10/m}, {@code 5/h} or {@code 20/500ms}
   * @return limits with that rate only
   * @throws InvalidInputException naming the text when it is no such rate
   */
  public static TaskLimits parse(String rate) {
    Matcher m = rate == null ? null : RATE.matcher(rate.toLowerCase(Locale.ROOT));
    if (m == null || !m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new InvalidInputException(
          "task rate limit '"
              + rate
              + "' is invalid: use <count>/<window>, for example 100/s, 10/m, 5/h or 20/500ms");
    }
    long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    Duration per =
        switch (m.group(3)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
    try {
      return new TaskLimits(Integer.parseInt(m.group(1)), per, 0, 0);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("task rate limit '" + rate + "': " + e.getMessage(), e);
    }
  }

  /**
   * @param count the most starts within {@code per}, more than 0
   * @param per the window
   * @return these limits with that rate
   */
  public TaskLimits rate(int count, Duration per) {
    if (count < 1) {
      throw new InvalidInputException("a task rate limit must be 1 or more, not " + count);
    }
    return new TaskLimits(count, per, concurrency, perKeyConcurrency);
  }

  /**
   * @param most the most tasks of the name running at once across all workers, 0 for no limit
   * @return these limits with that concurrency
   */
  public TaskLimits concurrency(int most) {
    return new TaskLimits(rate, ratePer, most, perKeyConcurrency);
  }

  /**
   * @param most the most tasks of the name with the same limit key running at once, 0 for no limit
   * @return these limits with that per-key concurrency
   */
  public TaskLimits perKeyConcurrency(int most) {
    return new TaskLimits(rate, ratePer, concurrency, most);
  }

  /**
   * @return whether nothing is limited
   */
  public boolean isNone() {
    return rate == 0 && concurrency == 0 && perKeyConcurrency == 0;
  }

  /**
   * @return the rate as {@code <count>/<window>}, for example {@code 100/1s}, or {@code null}
   */
  public String rateText() {
    if (rate == 0) {
      return null;
    }
    long ms = ratePer.toMillis();
    String per =
        ms % 3_600_000 == 0
            ? ms / 3_600_000 + "h"
            : ms % 60_000 == 0 ? ms / 60_000 + "m" : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    return rate + "/" + per;
  }
}
