package dev.warren.tasks;

import dev.warren.WarrenException;

/** The task store failed or cannot be reached (database, Redis), or its URL is invalid. */
public class TaskStoreException extends WarrenException {
  /**
   * @param message what happened, naming the task
   */
  public TaskStoreException(String message) {
    super(message);
  }

  /**
   * @param message what happened, naming the task
   * @param cause the underlying error
   */
  public TaskStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
