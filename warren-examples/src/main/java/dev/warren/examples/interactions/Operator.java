package dev.warren.examples.interactions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.examples.Http;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an operator does over the server's admin routes: look at a subscription's dead letters,
 * replay them, delete queues.
 */
final class Operator {
  private final Http http;

  /**
   * A dead letter as {@code GET /subscriptions/{name}/dead-letters} shows it.
   *
   * @param id the event id
   * @param attempts how many times the handler ran for it
   * @param error the last failure's type and message
   * @param interaction the event's data
   */
  record DeadLetterView(String id, long attempts, String error, Interaction interaction) {}

  Operator(Http http) {
    this.http = http;
  }

  /**
   * @param subscription a subscription name
   * @return its dead letters, oldest first
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  List<DeadLetterView> deadLetters(String subscription) throws IOException, InterruptedException {
    JsonNode body =
        http.send(
                "GET",
                "/subscriptions/" + subscription + "/dead-letters?limit=100",
                null,
                null,
                200)
            .body();
    List<DeadLetterView> out = new ArrayList<>();
    for (JsonNode d : body.path("deadLetters")) {
      String type = d.path("errorType").asText();
      out.add(
          new DeadLetterView(
              d.path("id").asText(),
              d.path("attempts").asLong(),
              type.substring(type.lastIndexOf('.') + 1) + ": " + d.path("errorMessage").asText(),
              Http.JSON.treeToValue(d.path("event").path("data"), Interaction.class)));
    }
    return out;
  }

  /**
   * @param subscription a subscription name
   * @return how many dead letters it holds
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  long deadLetterCount(String subscription) throws IOException, InterruptedException {
    return http.send(
            "GET", "/subscriptions/" + subscription + "/dead-letters?limit=1", null, null, 200)
        .body()
        .path("count")
        .asLong();
  }

  /**
   * Sends every dead letter of a subscription back to it ({@code POST
   * /subscriptions/{name}/dead-letters/replay}).
   *
   * @param subscription a subscription name
   * @return how many were replayed
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  long replay(String subscription) throws IOException, InterruptedException {
    return http.send(
            "POST", "/subscriptions/" + subscription + "/dead-letters/replay", null, null, 200)
        .body()
        .path("replayed")
        .asLong();
  }

  /**
   * @param queue a queue name
   * @return whether it existed and was deleted ({@code DELETE /queues/{name}})
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  boolean deleteQueue(String queue) throws IOException, InterruptedException {
    return http.send("DELETE", "/queues/" + queue, null, null, 204, 404).status() == 204;
  }
}
