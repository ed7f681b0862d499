package dev.warren.internal.envelope;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one timestamp shape Warren itself writes, {@link Instant#toString()} in UTC ({@code
 * 2026-11-23T14:38:46.123456Z}), without the general parser.
 *
 * <p>why: every delivery carries its event time as text and {@link Instant#parse} was a third of
 * the consumer's CPU in the in-memory benchmark, and every task message and stored task status
 * carries several; anything else (offsets, other producers' forms) still goes through {@link
 * Instant#parse}.
 */
public final class InstantText {
  private static final long MIN_FAST_DAY = LocalDate.of(1000, 1, 1).toEpochDay();
  private static final long MAX_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private InstantText() {}

  /**
   * @param text a timestamp
   * @return the instant, or {@code null} when the text is not in the exact UTC shape
   */
  public static Instant parse(String text) {
    int n = text.length();
    if (n < 20 || text.charAt(n - 1) != 'Z') {
      return null;
    }
    if (text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      nanos = digits(text, 20, fraction);
      if (nanos < 0) {
        return null;
      }
      for (int i = fraction; i < 9; i++) {
        nanos *= 10;
      }
    } else if (n != 20) {
      return null;
    }
    try {
      long days = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    } catch (DateTimeException e) {
      return null; // an impossible date such as February 30: let the full parser name it
    }
  }

  /**
   * @param text an ISO-8601 instant, in Warren's shape or any other {@link Instant#parse} reads
   * @return the instant
   * @throws java.time.format.DateTimeParseException when it is none
   */
  public static Instant parseAny(String text) {
    Instant fast = parse(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /**
   * Writes an instant exactly as {@link Instant#toString()} does.
   *
   * @param instant an instant
   * @return its ISO-8601 text in UTC
   */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400);
    int secondOfDay = Math.floorMod(seconds, 86_400);
    if (days < MIN_FAST_DAY || days > MAX_FAST_DAY) {
      return instant.toString(); // years before 1000 or after 9999 have other shapes
    }
    LocalDate date = LocalDate.ofEpochDay(days);
    int nanos = instant.getNano();
    StringBuilder b = new StringBuilder(30);
    pad(b, date.getYear(), 4).append('-');
    pad(b, date.getMonthValue(), 2).append('-');
    pad(b, date.getDayOfMonth(), 2).append('T');
    pad(b, secondOfDay / 3_600, 2).append(':');
    pad(b, secondOfDay / 60 % 60, 2).append(':');
    pad(b, secondOfDay % 60, 2);
    if (nanos != 0) {
      b.append('.');
      if (nanos % 1_000_000 == 0) {
        pad(b, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        pad(b, nanos / 1_000, 6);
      } else {
        pad(b, nanos, 9);
      }
    }
    return b.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder b, int value, int width) {
    int limit = 10;
    for (int i = 1; i < width; i++, limit *= 10) {
      if (value < limit) {
        b.append('0');
      }
    }
    return b.append(value);
  }

  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
