package dev.warren.cli.targets;

import dev.warren.WarrenException;

/**
 * A target reported a failure: a non-2xx status, a timeout, a non-zero exit code. Retryable, so the
 * subscription's retry policy and dead-letter queue apply (or the task's retries); its message is
 * what {@code warren dlq list} and {@code warren tasks status} show.
 */
public final class TargetFailedException extends WarrenException {
  /**
   * @param message what failed, naming the target
   */
  public TargetFailedException(String message) {
    super(message);
  }

  /**
   * @param message what failed, naming the target
   * @param cause the underlying error
   */
  public TargetFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
