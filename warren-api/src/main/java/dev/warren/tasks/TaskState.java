package dev.warren.tasks;

/**
 * Where a task is in its life. {@link #SUCCESS}, {@link #FAILURE} and {@link #REVOKED} are final.
 */
public enum TaskState {
  /** Submitted, waiting in its task queue. */
  PENDING,
  /** Submitted with an ETA in the future; the broker holds it until then. */
  SCHEDULED,
  /** A worker is running it. */
  STARTED,
  /** Running, and reported progress (a fraction and metadata). */
  PROGRESS,
  /** Failed, or its worker was lost; it will run again (after a delay held by the broker). */
  RETRY,
  /** Finished with a result. */
  SUCCESS,
  /** Failed for good: retries exhausted, non-retryable error, or hard time limit. */
  FAILURE,
  /** Revoked before or while it ran. */
  REVOKED;

  /**
   * @return whether the task will not change state again
   */
  public boolean isFinal() {
    return this == SUCCESS || this == FAILURE || this == REVOKED;
  }
}
