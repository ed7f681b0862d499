package dev.warren.tasks;

import dev.warren.WarrenException;

/**
 * The task was revoked or passed its soft time limit; thrown by {@link
 * TaskContext#checkCancelled()}.
 */
public class TaskCancelledException extends WarrenException {
  /**
   * @param message what happened, naming the task
   */
  public TaskCancelledException(String message) {
    super(message);
  }

  /**
   * @param message what happened, naming the task
   * @param cause the underlying error
   */
  public TaskCancelledException(String message, Throwable cause) {
    super(message, cause);
  }
}
