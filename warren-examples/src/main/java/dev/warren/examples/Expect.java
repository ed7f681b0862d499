package dev.warren.examples;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The checks of an example's script: a condition that must hold now, or one that must come true
 * within the context's timeout. Both throw {@link ExampleFailedException} naming what was missing.
 */
public final class Expect {
  private static final long POLL_MILLIS = 5;

  private Expect() {}

  /**
   * @param condition what must hold
   * @param format what was expected and what happened, a {@link String#format} pattern
   * @param args its arguments
   * @throws ExampleFailedException when the condition is false
   */
  public static void that(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new ExampleFailedException(String.format(Locale.ROOT, format, args));
    }
  }

  /**
   * Waits until the condition holds, checking it every few milliseconds.
   *
   * @param context the example's context, whose timeout bounds the wait
   * @param what what is awaited, for the failure message ("every cache to be invalidated")
   * @param condition polled until true
   * @throws ExampleFailedException when it is still false after the timeout
   */
  public static void within(ExampleContext context, String what, BooleanSupplier condition) {
    Duration timeout = context.timeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new ExampleFailedException(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExampleFailedException("interrupted while waiting for " + what);
      }
    }
  }
}
