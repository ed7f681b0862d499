package dev.warren.cli.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import dev.warren.codec.CloudEventsJson;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads replies written as structured CloudEvents JSON ({@link CloudEventsJson}). A reply may leave
 * out {@code id} and {@code source}: a new id and the worker's source are filled in, so a script
 * can answer with just {@code {"specversion":"1.0","type":"thumbnail.done","data":{...}}}.
 */
final class Replies {
  private final String source;

  /**
   * @param source the source of replies that name none
   */
  Replies(String source) {
    this.source = source;
  }

  /**
   * @param text one line of a command's output
   * @return the reply, or empty when the line is not meant as a CloudEvent (no JSON object with a
   *     {@code specversion}): such lines are the command's own output, not replies
   * @throws NonRetryableException when the line is a CloudEvent that is not valid; running the
   *     command again would print it again
   */
  Optional<Event> fromLine(String text) {
    String line = text.strip();
    if (!line.startsWith("{")) {
      return Optional.empty();
    }
    JsonNode tree;
    try {
      tree = CloudEventsJson.parse(line.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
    if (!tree.isObject() || !tree.has("specversion")) {
      return Optional.empty();
    }
    return Optional.of(read(tree));
  }

  /**
   * @param json a structured CloudEvent, for example an {@code application/cloudevents+json} body
   * @return the reply
   * @throws NonRetryableException when it is not a valid structured CloudEvent
   */
  Event fromStructured(String json) {
    JsonNode tree;
    try {
      tree = CloudEventsJson.parse(json.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidInputException e) {
      throw new NonRetryableException("the reply is " + e.getMessage(), e);
    }
    return read(tree);
  }

  private Event read(JsonNode tree) {
    try {
      return CloudEventsJson.fromJsonWithDefaults(tree, source);
    } catch (InvalidInputException e) {
      throw new NonRetryableException("invalid reply: " + e.getMessage(), e);
    }
  }
}
