package dev.warren.internal.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;

/**
 * A {@link TaskStatus} as one JSON document, for stores that keep documents (PostgreSQL, Redis).
 */
public final class TaskStatusJson {
  private TaskStatusJson() {}

  /**
   * @param status the status
   * @return its JSON
   */
  public static String write(TaskStatus status) {
    try {
      return JsonDataCodec.MAPPER.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new TaskStoreException("cannot encode the status of task " + status.id(), e);
    }
  }

  /**
   * @param json JSON written by {@link #write}
   * @return the status
   */
  public static TaskStatus read(String json) {
    try {
      return JsonDataCodec.MAPPER.readValue(json, TaskStatus.class);
    } catch (JsonProcessingException e) {
      throw new TaskStoreException(
          "cannot decode a stored task status: " + e.getOriginalMessage(), e);
    }
  }
}
