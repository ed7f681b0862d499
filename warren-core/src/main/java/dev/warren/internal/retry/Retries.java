package dev.warren.internal.retry;

import dev.warren.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retry decisions of one subscription, from its {@link RetryPolicy}: after a failure, whether
 * to run the handler again at once, later (and after how long), or not at all (the event is
 * dead-lettered).
 */
public final class Retries {
  private final RetryPolicy policy;

  /**
   * @param policy the subscription's policy
   */
  public Retries(RetryPolicy policy) {
    this.policy = policy;
  }

  /**
   * @return how many times a failed handler runs again at once before a delayed retry
   */
  public int immediateRetries() {
    return policy.immediateRetries();
  }

  /**
   * @param failure what the handler threw
   * @return whether trying again may help: {@link dev.warren.NonRetryableException}, {@link
   *     dev.warren.InvalidInputException} (data that cannot be decoded) and the policy's
   *     non-retryable classes may not
   */
  public boolean retryable(Throwable failure) {
    return policy.isRetryable(failure);
  }

  /**
   * @param failure what the handler threw on its attempt number {@code immediate} (0 for the first)
   *     of this delivery
   * @return whether to run it again at once
   */
  public boolean retryAtOnce(Throwable failure, int immediate) {
    return immediate < policy.immediateRetries() && retryable(failure);
  }

  /**
   * @param failure what the handler threw, its immediate retries spent
   * @param delayedSoFar how many delayed retries the event has had
   * @return how long to wait before the next delayed retry, with the policy's jitter applied; empty
   *     when the event is to be dead-lettered
   */
  public Optional<Duration> delayAfter(Throwable failure, long delayedSoFar) {
    if (!retryable(failure) || delayedSoFar >= policy.delays().size()) {
      return Optional.empty();
    }
    return Optional.of(jittered(policy.delays().get((int) delayedSoFar)));
  }

  /**
   * @return how many delayed retries the policy allows
   */
  public int delayedRetries() {
    return policy.delays().size();
  }

  private Duration jittered(Duration delay) {
    double j = policy.jitter();
    if (j == 0) {
      return delay;
    }
    double factor = 1 + ThreadLocalRandom.current().nextDouble(-j, j);
    return Duration.ofMillis(Math.max(1, Math.round(delay.toMillis() * factor)));
  }
}
