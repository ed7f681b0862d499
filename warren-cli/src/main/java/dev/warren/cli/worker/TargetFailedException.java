package dev.warren.cli.worker;

import dev.warren.WarrenException;

/**
 * A target reported a failure: a non-2xx status, a timeout, a non-zero exit code. Retryable, so the
 * subscription's retry policy and dead-letter queue apply; its message is what {@code warren dlq
 * list} shows.
 */
final class TargetFailedException extends WarrenException {
  TargetFailedException(String message) {
    super(message);
  }

  TargetFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
