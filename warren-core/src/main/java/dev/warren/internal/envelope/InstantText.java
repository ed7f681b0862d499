package dev.warren.internal.envelope;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one timestamp shape Warren itself writes, {@link Instant#toString()} in UTC ({@code
 * 2026-11-23T14:38:46.123456Z}), without the general parser.
 *
 * <p>why: every delivery carries its event time as text and {@link Instant#parse} was a third of
 * the consumer's CPU in the in-memory benchmark; anything else (offsets, other producers' forms)
 * still goes through {@link Instant#parse}.
 */
final class InstantText {
  private InstantText() {}

  /**
   * @param text a timestamp
   * @return the instant, or {@code null} when the text is not in the exact UTC shape
   */
  static Instant parse(String text) {
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
