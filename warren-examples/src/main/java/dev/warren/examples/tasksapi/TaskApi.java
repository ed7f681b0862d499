package dev.warren.examples.tasksapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.examples.ExampleFailedException;
import dev.warren.examples.Http;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** The application's side of the server's task routes: {@code POST/GET/DELETE /tasks…}. */
final class TaskApi {
  private final Http http;
  private final Duration timeout;

  /**
   * A task as {@code GET /tasks/{id}} shows it.
   *
   * @param id the task id
   * @param state PENDING, STARTED, PROGRESS, SUCCESS, REVOKED…
   * @param progress the last reported fraction, or {@code null}
   * @param progressMeta the last reported progress details, or {@code null}
   * @param result the result, or {@code null}
   * @param history the states it went through, oldest first
   */
  record TaskView(
      String id,
      String state,
      Double progress,
      JsonNode progressMeta,
      JsonNode result,
      List<String> history) {

    static TaskView of(JsonNode task) {
      JsonNode progress = task.path("progress");
      List<String> history = new ArrayList<>();
      task.path("history").forEach(h -> history.add(h.path("state").asText()));
      return new TaskView(
          task.path("id").asText(),
          task.path("state").asText(),
          progress.isObject() ? progress.path("fraction").asDouble() : null,
          progress.isObject() ? progress.path("meta") : null,
          task.path("result").isNull() ? null : task.path("result"),
          List.copyOf(history));
    }

    boolean isFinal() {
      return List.of("SUCCESS", "FAILURE", "REVOKED").contains(state);
    }

    /**
     * @return the state, with the progress as a percentage when there is one
     */
    String describe() {
      return progress == null
          ? state
          : String.format(Locale.ROOT, "%s %.0f%%", state, progress * 100);
    }
  }

  /**
   * @param http the server
   * @param timeout how long {@link #follow} waits
   */
  TaskApi(Http http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  /**
   * {@code POST /tasks}.
   *
   * @param name the task name
   * @param args the arguments, encoded as JSON
   * @param queue the task queue
   * @return the task id
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  String submit(String name, Object args, String queue) throws IOException, InterruptedException {
    ObjectNode body = Http.JSON.createObjectNode().put("name", name).put("queue", queue);
    body.set("args", Http.JSON.valueToTree(args));
    return http.send("POST", "/tasks", "application/json", body.toString(), 202)
        .body()
        .path("id")
        .asText();
  }

  /**
   * {@code GET /tasks/{id}}.
   *
   * @param id the task id
   * @return the task
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  TaskView get(String id) throws IOException, InterruptedException {
    return TaskView.of(http.send("GET", "/tasks/" + id, null, null, 200).body());
  }

  /**
   * {@code DELETE /tasks/{id}}: revokes the task; a running one stops at its next check.
   *
   * @param id the task id
   * @return the task right after the revoke (a running one may still show its last state)
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  TaskView revoke(String id) throws IOException, InterruptedException {
    return TaskView.of(http.send("DELETE", "/tasks/" + id, null, null, 202).body());
  }

  /**
   * Polls {@code GET /tasks/{id}} until the task matches.
   *
   * @param id the task id
   * @param until what to wait for
   * @param seen collects each state seen (with its progress), without repeats
   * @return the task as it matched
   * @throws ExampleFailedException when it did not match in time, or became final without matching
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  TaskView follow(String id, Predicate<TaskView> until, List<String> seen)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      TaskView t = get(id);
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(t.describe())) {
        seen.add(t.describe());
      }
      if (until.test(t)) {
        return t;
      }
      if (t.isFinal() || System.nanoTime() - deadline > 0) {
        throw new ExampleFailedException(
            "task " + id + " is " + t.describe() + " and will not get where expected; saw " + seen);
      }
      Thread.sleep(20);
    }
  }
}
