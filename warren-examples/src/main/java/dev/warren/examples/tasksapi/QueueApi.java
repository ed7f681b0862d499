package dev.warren.examples.tasksapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.examples.Http;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's side of the server's queue routes: declare a queue, send straight to it, peek,
 * purge and delete it.
 */
final class QueueApi {
  private final Http http;

  QueueApi(Http http) {
    this.http = http;
  }

  /**
   * {@code PUT /queues/{name}} with {@code {"durable": true}}.
   *
   * @param queue the queue name
   * @return whether it was created (false: it existed)
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  boolean declare(String queue) throws IOException, InterruptedException {
    return http.send("PUT", "/queues/" + queue, "application/json", "{\"durable\":true}", 200, 201)
            .status()
        == 201;
  }

  /**
   * {@code POST /queues/{name}/messages}: one structured CloudEvent, straight to the queue.
   *
   * @param queue the queue name
   * @param type the event type
   * @param data the event data, encoded as JSON
   * @return the event id
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  String send(String queue, String type, Object data) throws IOException, InterruptedException {
    ObjectNode event =
        Http.JSON
            .createObjectNode()
            .put("specversion", "1.0")
            .put("type", type)
            .put("source", "/tasks-api");
    event.set("data", Http.JSON.valueToTree(data));
    return http.send(
            "POST",
            "/queues/" + queue + "/messages",
            "application/cloudevents+json",
            event.toString(),
            202)
        .body()
        .path("ids")
        .get(0)
        .asText();
  }

  /**
   * {@code GET /queues/{name}/messages?limit=n}: reads without removing.
   *
   * @param queue the queue name
   * @param limit the most to read
   * @return the messages, as structured CloudEvents, oldest first
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  List<JsonNode> peek(String queue, int limit) throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    http.send("GET", "/queues/" + queue + "/messages?limit=" + limit, null, null, 200)
        .body()
        .path("messages")
        .forEach(out::add);
    return out;
  }

  /**
   * {@code GET /queues/{name}}.
   *
   * @param queue the queue name
   * @return how many messages it holds, or -1 when there is no such queue
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  long messages(String queue) throws IOException, InterruptedException {
    Http.Reply r = http.send("GET", "/queues/" + queue, null, null, 200, 404);
    return r.status() == 404 ? -1 : r.body().path("messages").asLong();
  }

  /**
   * {@code DELETE /queues/{name}/messages}.
   *
   * @param queue the queue name
   * @return how many messages were purged
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  long purge(String queue) throws IOException, InterruptedException {
    return http.send("DELETE", "/queues/" + queue + "/messages", null, null, 200)
        .body()
        .path("purged")
        .asLong();
  }

  /**
   * {@code DELETE /queues/{name}}.
   *
   * @param queue the queue name
   * @return whether it existed and was deleted
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  boolean delete(String queue) throws IOException, InterruptedException {
    return http.send("DELETE", "/queues/" + queue, null, null, 204, 404).status() == 204;
  }
}
