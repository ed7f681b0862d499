package dev.warren.tasks.spi;

import java.time.Duration;

/**
 * The answer of {@link TaskLimitStore#acquire}: a permit to start, or why not and when to ask
 * again.
 *
 * @param granted whether the task may start now
 * @param reason which limit was reached, or {@code null} when granted
 * @param retryAfter how long to wait before asking again, or {@code null} when granted
 */
public record TaskPermit(boolean granted, String reason, Duration retryAfter) {
  private static final TaskPermit GRANTED = new TaskPermit(true, null, null);

  /**
   * @return a granted permit
   */
  public static TaskPermit grant() {
    return GRANTED;
  }

  /**
   * @param reason which limit was reached
   * @param retryAfter how long to wait before asking again
   * @return a refusal
   */
  public static TaskPermit deny(String reason, Duration retryAfter) {
    return new TaskPermit(false, reason, retryAfter);
  }
}
