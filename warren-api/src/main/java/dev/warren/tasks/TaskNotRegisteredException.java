package dev.warren.tasks;

import dev.warren.WarrenException;

/** No handler is registered for a task name on this worker. */
public class TaskNotRegisteredException extends WarrenException {
  /**
   * @param message what happened, naming the task
   */
  public TaskNotRegisteredException(String message) {
    super(message);
  }

  /**
   * @param message what happened, naming the task
   * @param cause the underlying error
   */
  public TaskNotRegisteredException(String message, Throwable cause) {
    super(message, cause);
  }
}
