package dev.warren.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;

/**
 * A {@link TaskStatus} as one JSON document, for task stores that keep documents (PostgreSQL,
 * Redis) and tools that print statuses.
 *
 * <p>Always Warren's own JSON ({@link JsonDataCodec#MAPPER}), never the application's codec: a
 * status is Warren's record, and it must read back the same in every process and tool, whichever
 * codec their options name. (The task's arguments and result inside it are already encoded text.)
 *
 * <pre>{@code
 * String json = TaskStatusJson.write(status);
 * TaskStatus same = TaskStatusJson.read(json);
 * }</pre>
 */
public final class TaskStatusJson {
  private TaskStatusJson() {}

  /**
   * @param status the status
   * @return its JSON
   * @throws TaskStoreException when it cannot be encoded
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
   * @throws TaskStoreException when the JSON is not a task status
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
