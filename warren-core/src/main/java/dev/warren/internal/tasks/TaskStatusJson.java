package dev.warren.internal.tasks;

import dev.warren.tasks.TaskStatus;

/**
 * Forwards to {@link dev.warren.codec.TaskStatusJson}. why: kept only until the CLI imports the
 * public class; nothing outside core may use {@code internal}.
 */
public final class TaskStatusJson {
  private TaskStatusJson() {}

  /**
   * @param status the status
   * @return its JSON
   */
  public static String write(TaskStatus status) {
    return dev.warren.codec.TaskStatusJson.write(status);
  }

  /**
   * @param json JSON written by {@link #write}
   * @return the status
   */
  public static TaskStatus read(String json) {
    return dev.warren.codec.TaskStatusJson.read(json);
  }
}
