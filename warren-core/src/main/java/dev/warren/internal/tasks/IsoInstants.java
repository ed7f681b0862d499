package dev.warren.internal.tasks;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 instants in UTC ({@code 2026-12-03T10:15:30.123Z}) as {@link Instant#toString()} writes
 * them and {@link Instant#parse} reads them, without the general-purpose formatter. why: every task
 * message carries two of them, written by the submitter and read by the worker, and the formatter
 * was the largest single cost of reading a task message. Anything outside the plain form (another
 * offset, a year beyond 9999) goes to the JDK's own parser and printer.
 */
public final class IsoInstants {
  private static final long SECONDS_PER_DAY = 86_400;

  /** 1000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: years of four digits, written plainly. */
  private static final long PLAIN_FROM = -30_610_224_000L;

  private static final long PLAIN_TO = 253_402_300_800L;

  private IsoInstants() {}

  /**
   * @param instant an instant
   * @return the same text as {@link Instant#toString()}
   */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < PLAIN_FROM || seconds >= PLAIN_TO) {
      return instant.toString();
    }
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    LocalDate date = LocalDate.ofEpochDay(day);
    StringBuilder b = new StringBuilder(30);
    b.append(date.getYear()).append('-');
    two(b, date.getMonthValue()).append('-');
    two(b, date.getDayOfMonth()).append('T');
    two(b, secondOfDay / 3600).append(':');
    two(b, secondOfDay / 60 % 60).append(':');
    two(b, secondOfDay % 60);
    int nano = instant.getNano();
    if (nano > 0) {
      // why: as ISO_INSTANT does, in groups of three digits: millis, micros or nanos
      int digits;
      int value;
      if (nano % 1_000_000 == 0) {
        digits = 3;
        value = nano / 1_000_000;
      } else if (nano % 1_000 == 0) {
        digits = 6;
        value = nano / 1_000;
      } else {
        digits = 9;
        value = nano;
      }
      b.append('.');
      String v = Integer.toString(value);
      b.repeat('0', digits - v.length()).append(v);
    }
    return b.append('Z').toString();
  }

  private static StringBuilder two(StringBuilder b, int value) {
    return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  /**
   * @param text an ISO-8601 instant
   * @return the instant
   * @throws DateTimeParseException when it is none
   */
  public static Instant parse(CharSequence text) {
    int n = text.length();
    // yyyy-MM-ddTHH:mm:ssZ at least, Z last, separators where they belong
    if (n >= 20
        && text.charAt(n - 1) == 'Z'
        && text.charAt(4) == '-'
        && text.charAt(7) == '-'
        && text.charAt(10) == 'T'
        && text.charAt(13) == ':'
        && text.charAt(16) == ':') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int dayOfMonth = digits(text, 8, 2);
      int hour = digits(text, 11, 2);
      int minute = digits(text, 14, 2);
      int second = digits(text, 17, 2);
      int nano = 0;
      boolean ok = year >= 0 && month >= 0 && dayOfMonth >= 0 && hour >= 0 && hour < 24;
      ok = ok && minute >= 0 && minute < 60 && second >= 0 && second < 60;
      if (ok && n > 20) {
        int fraction = n - 21;
        ok = text.charAt(19) == '.' && fraction >= 1 && fraction <= 9;
        if (ok) {
          nano = digits(text, 20, fraction);
          ok = nano >= 0;
          for (int i = fraction; i < 9 && ok; i++) {
            nano *= 10;
          }
        }
      }
      if (ok) {
        try {
          long day = LocalDate.of(year, month, dayOfMonth).toEpochDay();
          return Instant.ofEpochSecond(
              day * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nano);
        } catch (DateTimeException e) {
          // not a date: the JDK's parser says why
        }
      }
    }
    return Instant.parse(text);
  }

  /** The decimal value of {@code count} digits at {@code from}, or -1 when one is no digit. */
  private static int digits(CharSequence text, int from, int count) {
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
