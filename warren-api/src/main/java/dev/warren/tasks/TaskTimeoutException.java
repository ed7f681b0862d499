package dev.warren.tasks;

import dev.warren.WarrenException;

/** A task did not finish within the time a caller waited for it ({@link TaskHandle#await}). */
public class TaskTimeoutException extends WarrenException {
  /**
   * @param message what happened, naming the task
   */
  public TaskTimeoutException(String message) {
    super(message);
  }

  /**
   * @param message what happened, naming the task
   * @param cause the underlying error
   */
  public TaskTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
