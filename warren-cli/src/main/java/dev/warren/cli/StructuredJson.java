package dev.warren.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Events in the CloudEvents JSON event format ("structured mode"): one JSON object holding the
 * context attributes, the extensions, and the data, as {@code data} when the content type is JSON
 * and as {@code data_base64} otherwise.
 *
 * <pre>{@code
 * {"specversion":"1.0","id":"0199...","source":"/conduit/admin","type":"virtual-key.updated",
 *  "time":"2025-11-23T12:00:00.123Z","datacontenttype":"application/json","subject":"42",
 *  "partitionkey":"42","data":{"keyId":42}}
 * }</pre>
 *
 * <p>Numbers in JSON data keep their exact text ({@code 1.10} stays {@code 1.10}); whitespace in
 * the data is not kept, so every event is one line.
 */
public final class StructuredJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Set<String> CONTEXT_ATTRIBUTES =
      Set.of(
          "specversion",
          "id",
          "source",
          "type",
          "time",
          "datacontenttype",
          "dataschema",
          "subject",
          "data",
          "data_base64");

  private StructuredJson() {}

  /**
   * Writes an event as one line of structured JSON.
   *
   * @param event the event
   * @return the JSON object, without a line break
   */
  public static String write(Event event) {
    StringWriter text = new StringWriter(256 + event.data().length);
    try (JsonGenerator json = MAPPER.createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("specversion", Event.SPEC_VERSION);
      json.writeStringField("id", event.id());
      if (event.source() != null) {
        json.writeStringField("source", event.source());
      }
      json.writeStringField("type", event.type());
      json.writeStringField("time", event.time().toString());
      json.writeStringField("datacontenttype", event.dataContentType());
      if (event.subject().isPresent()) {
        json.writeStringField("subject", event.subject().get());
      }
      for (Map.Entry<String, String> e : event.extensions().entrySet()) {
        json.writeStringField(e.getKey(), e.getValue());
      }
      byte[] data = event.data();
      if (data.length > 0) {
        JsonNode tree = isJson(event.dataContentType()) ? tryParse(data) : null;
        if (tree != null) {
          json.writeFieldName("data");
          json.writeTree(tree);
        } else {
          // why: JSON-typed data that is not JSON is written losslessly rather than dropped
          json.writeStringField("data_base64", Base64.getEncoder().encodeToString(data));
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * Reads an event in structured JSON. Attributes other than the CloudEvents context attributes
   * become extensions; {@code dataschema} is not kept.
   *
   * @param json one JSON object
   * @return the event
   * @throws InvalidInputException when the text is not a valid structured CloudEvent
   */
  public static Event read(String json) {
    JsonNode root = parse(json.getBytes(StandardCharsets.UTF_8), "the event");
    if (!root.isObject()) {
      throw new InvalidInputException("a structured event must be a JSON object, not " + json);
    }
    String specVersion = text(root, "specversion", true);
    if (!Event.SPEC_VERSION.equals(specVersion)) {
      throw new InvalidInputException(
          "unsupported specversion '" + specVersion + "': Warren reads CloudEvents 1.0");
    }
    String contentType = text(root, "datacontenttype", false);
    Event.Builder b =
        Event.builder(text(root, "type", true))
            .id(text(root, "id", true))
            .source(text(root, "source", true))
            .subject(text(root, "subject", false));
    String time = text(root, "time", false);
    if (time != null) {
      b.time(parseTime(time));
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (!CONTEXT_ATTRIBUTES.contains(field.getKey()) && !field.getValue().isNull()) {
        b.extension(field.getKey(), field.getValue().asText());
      }
    }
    JsonNode data = root.get("data");
    JsonNode base64 = root.get("data_base64");
    String type = contentType == null ? Event.JSON : contentType;
    if (data != null && base64 != null) {
      throw new InvalidInputException("a structured event has 'data' or 'data_base64', not both");
    } else if (base64 != null) {
      try {
        b.data(Base64.getDecoder().decode(base64.asText()), type);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("'data_base64' is not valid base64: " + e.getMessage(), e);
      }
    } else if (data != null && !data.isNull()) {
      byte[] bytes =
          data.isTextual() && !isJson(type)
              ? data.asText().getBytes(StandardCharsets.UTF_8)
              : toBytes(data);
      b.data(bytes, type);
    } else {
      b.data(new byte[0], type);
    }
    return b.build();
  }

  /**
   * Parses JSON text, with the message a command-line user needs when it is not JSON.
   *
   * @param bytes UTF-8 JSON
   * @param what what the text is, for the message, for example {@code "--data"}
   * @return the parsed value
   * @throws InvalidInputException naming {@code what}, the problem and where it is
   */
  static JsonNode parse(byte[] bytes, String what) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new InvalidInputException(
          what + " is not valid JSON: " + cleanMessage(e.getOriginalMessage()) + where, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new InvalidInputException(what + " is not valid JSON: it is empty");
    }
    return tree;
  }

  /** Jackson's message, without the source description it puts inside locations. */
  private static String cleanMessage(String message) {
    return WarrenCli.oneLine(message)
        .replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)]", "line $1, column $2");
  }

  /**
   * @param contentType a media type, possibly with parameters
   * @return whether it is JSON: {@code application/json}, {@code text/json} or {@code *+json}
   */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.equals("text/json") || type.endsWith("+json");
  }

  private static JsonNode tryParse(byte[] data) {
    try {
      JsonNode tree = MAPPER.readTree(data);
      return tree == null || tree.isMissingNode() ? null : tree;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] toBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(JsonNode root, String name, boolean required) {
    JsonNode v = root.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidInputException("a structured event needs '" + name + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidInputException("'" + name + "' must be a string, not " + v);
    }
    return v.asText();
  }

  private static Instant parseTime(String time) {
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("'time' is not an RFC 3339 timestamp: '" + time + "'", e);
    }
  }
}
