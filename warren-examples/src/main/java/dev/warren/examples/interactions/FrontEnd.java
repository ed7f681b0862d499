package dev.warren.examples.interactions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.examples.ExampleFailedException;
import dev.warren.examples.Http;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The shop's front end: posts interactions to the Warren server as a CloudEvents batch ({@code POST
 * /events}, {@code application/cloudevents-batch+json}), each event with an id of its own choosing,
 * so a batch whose answer was lost can be sent again without creating new events.
 */
final class FrontEnd {
  static final String SOURCE = "/shop/web";
  private static final String BATCH = "application/cloudevents-batch+json";

  private final Http http;

  FrontEnd(Http http) {
    this.http = http;
  }

  /**
   * Posts one batch; returns once the broker confirmed every event in it.
   *
   * @param batch the interactions with their event ids
   * @return the ids the server accepted, in order
   * @throws ExampleFailedException when the server does not answer 202 with the batch's ids
   * @throws IOException when the server cannot be reached
   * @throws InterruptedException when interrupted while waiting
   */
  List<String> post(List<Traffic.Sent> batch) throws IOException, InterruptedException {
    ArrayNode events = Http.JSON.createArrayNode();
    for (Traffic.Sent s : batch) {
      ObjectNode e = events.addObject();
      e.put("specversion", "1.0");
      e.put("id", s.id());
      e.put("source", SOURCE);
      e.put("type", s.interaction().eventType());
      e.put("subject", s.interaction().user());
      e.put("datacontenttype", "application/json");
      e.set("data", Http.JSON.valueToTree(s.interaction()));
    }
    Http.Reply reply = http.send("POST", "/events", BATCH, events.toString(), 202);
    List<String> ids = new ArrayList<>();
    for (JsonNode id : reply.body().path("ids")) {
      ids.add(id.asText());
    }
    List<String> expected = batch.stream().map(Traffic.Sent::id).toList();
    if (!ids.equals(expected)) {
      throw new ExampleFailedException(
          "POST /events accepted ids " + ids + ", expected the batch's own " + expected);
    }
    return ids;
  }
}
