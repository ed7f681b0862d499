package dev.warren.tasks;

import dev.warren.WarrenException;

/**
 * A task ended in {@link TaskState#FAILURE} or {@link TaskState#REVOKED} when its result was asked
 * for.
 */
public class TaskFailedException extends WarrenException {
  /**
   * @param message what happened, naming the task
   */
  public TaskFailedException(String message) {
    super(message);
  }

  /**
   * @param message what happened, naming the task
   * @param cause the underlying error
   */
  public TaskFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
