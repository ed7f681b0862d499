package dev.warren.internal.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.tasks.TaskFailedException;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;

/**
 * How a task ended, as its terminal event ({@code task.<name>.succeeded|failed|revoked}) or its
 * final status in the store says.
 *
 * @param id the task id
 * @param name the task name
 * @param state {@link TaskState#SUCCESS}, {@link TaskState#FAILURE} or {@link TaskState#REVOKED}
 * @param result the result as JSON text ({@code null} for none, or when it is only in the store)
 * @param resultInStore whether the event left a large result out: it is read from the store
 * @param errorType the error's class name, or {@code null}
 * @param errorMessage the error's message, or {@code null}
 */
record TaskOutcome(
    String id,
    String name,
    TaskState state,
    String result,
    boolean resultInStore,
    String errorType,
    String errorMessage) {

  /** Event field: set when the result was left out of the event for its size. */
  static final String RESULT_IN_STORE = "resultInStore";

  /**
   * @param status a final status
   * @return its outcome
   */
  static TaskOutcome of(TaskStatus status) {
    return new TaskOutcome(
        status.id(),
        status.name(),
        status.state(),
        status.result(),
        false,
        status.error() == null ? null : status.error().type(),
        status.error() == null ? null : status.error().message());
  }

  /**
   * @param data the data of a terminal event, as {@link TaskQueue#event} writes it
   * @return its outcome, or {@code null} when it is not one (no id, or a state that is not final)
   */
  static TaskOutcome fromEvent(JsonNode data) {
    String id = text(data, "id");
    String state = text(data, "state");
    if (id == null || state == null) {
      return null;
    }
    TaskState s;
    try {
      s = TaskState.valueOf(state);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!s.isFinal()) {
      return null;
    }
    JsonNode result = data.get("result");
    return new TaskOutcome(
        id,
        text(data, "name"),
        s,
        result == null || result.isNull() ? null : result.toString(),
        data.path(RESULT_IN_STORE).asBoolean(false),
        text(data, "errorType"),
        text(data, "errorMessage"));
  }

  private static String text(JsonNode data, String field) {
    JsonNode n = data.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  /**
   * @return what a caller waiting for the result gets when the task did not succeed
   */
  TaskFailedException failure() {
    String why = errorType == null ? "" : ": " + errorType + ": " + errorMessage;
    return new TaskFailedException("task " + name + " " + id + " ended " + state + why);
  }
}
