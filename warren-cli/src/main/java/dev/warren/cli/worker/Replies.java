package dev.warren.cli.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.Event;
import dev.warren.NonRetryableException;
import dev.warren.WarrenException;
import dev.warren.cli.StructuredJson;
import java.util.Optional;

/**
 * Reads replies written as structured CloudEvents JSON. A reply may leave out {@code id} and {@code
 * source}: a new id and the worker's source are filled in, so a script can answer with just {@code
 * {"specversion":"1.0","type":"thumbnail.done","data":{...}}}.
 */
final class Replies {
  private static final ObjectMapper MAPPER = new ObjectMapper();

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
      tree = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    if (tree == null || !tree.isObject() || !tree.has("specversion")) {
      return Optional.empty();
    }
    return Optional.of(read(line, tree));
  }

  /**
   * @param json a structured CloudEvent, for example an {@code application/cloudevents+json} body
   * @return the reply
   * @throws NonRetryableException when it is not a valid structured CloudEvent
   */
  Event fromStructured(String json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new NonRetryableException("the reply is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new NonRetryableException("the reply is not a JSON object");
    }
    return read(json.strip(), tree);
  }

  private Event read(String json, JsonNode tree) {
    // why: the text is completed rather than re-written, so numbers in the data keep their exact
    // text (StructuredJson reads them losslessly; a round trip through a tree might not)
    StringBuilder missing = new StringBuilder();
    if (!tree.hasNonNull("id")) {
      missing.append("\"id\":\"").append(Event.newId()).append("\",");
    }
    if (!tree.hasNonNull("source")) {
      missing.append("\"source\":").append(quote(source)).append(',');
    }
    String complete =
        missing.isEmpty() || tree.isEmpty() ? json : "{" + missing + json.substring(1);
    try {
      return StructuredJson.read(complete);
    } catch (WarrenException e) {
      throw new NonRetryableException("invalid reply: " + e.getMessage(), e);
    }
  }

  private static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
