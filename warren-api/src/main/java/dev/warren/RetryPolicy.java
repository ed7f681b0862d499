package dev.warren;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a subscription does when its handler throws: a few immediate attempts, then retries after
 * delays held by the broker (the message waits in a wait queue with a time-to-live, never
 * unacknowledged in a worker), then the dead-letter queue. Immutable.
 *
 * <pre>{@code
 * RetryPolicy.builder()
 *     .immediateRetries(2)
 *     .delays(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5))
 *     .jitter(0.1)
 *     .nonRetryable(IllegalArgumentException.class)
 *     .build();
 * }</pre>
 *
 * <p>{@link NonRetryableException}, {@link InvalidInputException} (for example data that cannot be
 * read as the requested type) and the classes given to {@link Builder#nonRetryable(Class)} skip the
 * retries. In an ordered subscription a failing event holds its partition key: its retries happen
 * in place, so later events of that key wait until it succeeds or is dead-lettered.
 *
 * @param immediateRetries attempts made at once after the first failure
 * @param delays the waits before each delayed retry
 * @param jitter the fraction (0 to 1) by which each delay is randomly varied
 * @param nonRetryable exception classes (and their subclasses) that skip retries
 */
public record RetryPolicy(
    int immediateRetries,
    List<Duration> delays,
    double jitter,
    Set<Class<? extends Throwable>> nonRetryable) {

  /** Canonical constructor: validates and copies. */
  public RetryPolicy {
    if (immediateRetries < 0 || immediateRetries > 100) {
      throw new InvalidInputException(
          "immediate retries " + immediateRetries + " is not between 0 and 100");
    }
    delays = List.copyOf(delays);
    for (Duration d : delays) {
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
        throw new InvalidInputException("retry delay " + d + " is not between 1 ms and 7 days");
      }
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new InvalidInputException("jitter " + jitter + " is not between 0 and 1");
    }
    nonRetryable = Set.copyOf(nonRetryable);
  }

  /**
   * @return two immediate retries, then retries after 5 s, 30 s and 5 min with 10 % jitter
   */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /**
   * @return no retries: the first failure goes to the dead-letter queue
   */
  public static RetryPolicy none() {
    return builder().immediateRetries(0).delays().build();
  }

  /**
   * @return a builder starting from the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return how many times the handler runs at most for one event
   */
  public int maxAttempts() {
    return (1 + immediateRetries) * (1 + delays.size());
  }

  /**
   * @param failure what the handler threw
   * @return whether retrying may help
   */
  public boolean isRetryable(Throwable failure) {
    if (failure instanceof NonRetryableException || failure instanceof InvalidInputException) {
      return false;
    }
    for (Class<? extends Throwable> type : nonRetryable) {
      if (type.isInstance(failure)) {
        return false;
      }
    }
    return true;
  }

  /** Builds a {@link RetryPolicy}. */
  public static final class Builder {
    private int immediateRetries = 2;
    private List<Duration> delays =
        List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5));
    private double jitter = 0.1;
    private final Set<Class<? extends Throwable>> nonRetryable = new LinkedHashSet<>();

    private Builder() {}

    /**
     * @param n attempts made at once after a failure, before any delayed retry (0 to 100)
     * @return this builder
     */
    public Builder immediateRetries(int n) {
      this.immediateRetries = n;
      return this;
    }

    /**
     * @param delays waits before each delayed retry; none for no delayed retries
     * @return this builder
     */
    public Builder delays(Duration... delays) {
      this.delays = List.of(delays);
      return this;
    }

    /**
     * @param delays waits before each delayed retry
     * @return this builder
     */
    public Builder delays(List<Duration> delays) {
      this.delays = List.copyOf(delays);
      return this;
    }

    /**
     * @param jitter fraction (0 to 1) by which each delay is randomly varied
     * @return this builder
     */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * @param type an exception class whose instances (and subclasses') skip retries
     * @return this builder
     */
    public Builder nonRetryable(Class<? extends Throwable> type) {
      nonRetryable.add(Objects.requireNonNull(type));
      return this;
    }

    /**
     * @return the policy
     * @throws InvalidInputException naming the bad value
     */
    public RetryPolicy build() {
      return new RetryPolicy(immediateRetries, delays, jitter, nonRetryable);
    }
  }
}
