package dev.warren.server;

import dev.warren.InvalidInputException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key's request rate limit: a bucket of {@code capacity} tokens refilled at {@code capacity} per
 * period. Each request takes one token; an empty bucket says how long until the next one.
 */
final class TokenBucket {
  private static final Pattern RATE = Pattern.compile("rate=([1-9][0-9]{0,8})/([sm])");

  private final long capacity;
  private final long nanosPerToken;
  private final LongSupplier clock;
  private double tokens;
  private long refilledAt;

  TokenBucket(long capacity, long periodNanos, LongSupplier clock) {
    this.capacity = capacity;
    this.nanosPerToken = Math.max(1, periodNanos / capacity);
    this.clock = clock;
    this.tokens = capacity;
    this.refilledAt = clock.getAsLong();
  }

  /**
   * @param text the keys file column, {@code rate=<n>/s} or {@code rate=<n>/m}
   * @param at the file and line, for the message
   * @throws InvalidInputException when the text is not a rate
   */
  static TokenBucket parse(String text, String at) {
    Matcher m = RATE.matcher(text);
    if (!m.matches()) {
      throw new InvalidInputException(
          at + ": invalid rate '" + text + "': use rate=<n>/s or rate=<n>/m, n from 1");
    }
    long period =
        m.group(2).equals("s") ? TimeUnit.SECONDS.toNanos(1) : TimeUnit.MINUTES.toNanos(1);
    return new TokenBucket(Long.parseLong(m.group(1)), period, System::nanoTime);
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 when a token was taken, else the nanoseconds until one is available
   */
  synchronized long tryTake() {
    long now = clock.getAsLong();
    tokens = Math.min(capacity, tokens + (double) (now - refilledAt) / nanosPerToken);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - tokens) * nanosPerToken);
  }
}
