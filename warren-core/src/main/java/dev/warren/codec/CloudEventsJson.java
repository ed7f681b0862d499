package dev.warren.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Topics;
import java.io.IOException;
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
 * Events in the CloudEvents JSON event format (structured mode, {@value #MEDIA_TYPE}): one JSON
 * object holding the context attributes, the extensions and the data. Warren writes every event
 * this way, wherever it shows one: {@code warren tail}, {@code warren dlq list --json}, the
 * server's Server-Sent Events, queue peeks and dead letters.
 *
 * <pre>{@code
 * {"specversion":"1.0","id":"0199...","source":"/conduit/admin","type":"virtual-key.updated",
 *  "time":"2025-11-23T12:00:00.123Z","datacontenttype":"application/json","subject":"42",
 *  "partitionkey":"42","data":{"keyId":42}}
 * }</pre>
 *
 * <p>Data whose content type is JSON ({@code application/json}, {@code text/json}, {@code *+json})
 * and that parses as JSON is written as {@code data}, keeping the exact text of its numbers ({@code
 * 1.10} stays {@code 1.10}) but not its whitespace, so an event is always one line. Other data is
 * written losslessly as {@code data_base64}. Reading accepts both, and {@code data} as a JSON
 * string for a non-JSON content type.
 *
 * <p>Every failure to read is an {@link InvalidInputException} naming the attribute.
 */
public final class CloudEventsJson {
  /** The media type of one event in structured mode. */
  public static final String MEDIA_TYPE = "application/cloudevents+json";

  /** The media type of a batch: a JSON array of structured events. */
  public static final String BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";

  // why: numbers are read as exact decimals and written back as read; a JSON text is one value
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

  private CloudEventsJson() {}

  // --- writing

  /**
   * Writes an event as one line of structured JSON.
   *
   * @param event the event
   * @return the JSON object, without a line break
   */
  public static String write(Event event) {
    try {
      return MAPPER.writeValueAsString(toJson(event));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An event as a structured JSON tree, for embedding it in a larger document; serialized, it is
   * the text of {@link #write(Event)}.
   *
   * @param event the event
   * @return a new JSON object: specversion, id, source, type, time, datacontenttype, dataschema,
   *     subject, the extensions (integers and booleans as JSON numbers and booleans), then {@code
   *     data} or {@code data_base64}
   */
  public static ObjectNode toJson(Event event) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("specversion", Event.SPEC_VERSION);
    node.put("id", event.id());
    if (event.source() != null) {
      node.put("source", event.source());
    }
    node.put("type", event.type());
    node.put("time", event.time().toString());
    node.put("datacontenttype", event.dataContentType());
    event.dataSchema().ifPresent(d -> node.put("dataschema", d));
    event.subject().ifPresent(s -> node.put("subject", s));
    event
        .extensions()
        .forEach(
            (name, value) -> {
              switch (value) {
                case Integer i -> node.put(name, i);
                case Boolean bool -> node.put(name, bool);
                default -> node.put(name, value.toString());
              }
            });
    byte[] data = event.data();
    if (data.length > 0) {
      JsonNode tree = isJson(event.dataContentType()) ? tryParse(data) : null;
      if (tree != null) {
        node.set("data", tree);
      } else {
        // why: JSON-typed data that is not JSON is written losslessly rather than dropped
        node.put("data_base64", Base64.getEncoder().encodeToString(data));
      }
    }
    return node;
  }

  // --- reading

  /**
   * Reads an event in structured JSON as the format requires it: {@code specversion}, {@code id},
   * {@code source} and {@code type} present. Attributes other than the context attributes become
   * extensions, keeping their JSON type (string, integer, boolean).
   *
   * @param json one JSON object
   * @return the event
   * @throws InvalidInputException when the text is not a valid structured CloudEvent
   */
  public static Event read(String json) {
    return fromJson(parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * {@link #read(String)} of an already parsed tree.
   *
   * @param node the event's JSON
   * @return the event
   * @throws InvalidInputException when the tree is not a valid structured CloudEvent
   */
  public static Event fromJson(JsonNode node) {
    return fromJson(node, true, null);
  }

  /**
   * Reads an event the way Warren accepts events from its callers (the HTTP server, replies of
   * {@code warren worker} targets): {@code specversion} and {@code type} are required, a missing
   * {@code id} is generated and a missing {@code source} is {@code defaultSource}.
   *
   * @param node the event's JSON
   * @param defaultSource the source of an event that names none; {@code null} leaves it to the
   *     publishing instance's source
   * @return the event
   * @throws InvalidInputException when the tree is not a valid structured CloudEvent
   */
  public static Event fromJsonWithDefaults(JsonNode node, String defaultSource) {
    return fromJson(node, false, defaultSource);
  }

  private static Event fromJson(JsonNode node, boolean strict, String defaultSource) {
    if (!(node instanceof ObjectNode root)) {
      throw new InvalidInputException(
          "a structured CloudEvent must be a JSON object, got "
              + (node == null ? "nothing" : node.getNodeType()));
    }
    String specVersion = text(root, "specversion", true);
    if (!Event.SPEC_VERSION.equals(specVersion)) {
      throw new InvalidInputException(
          "unsupported specversion '" + shorten(specVersion) + "': Warren speaks CloudEvents 1.0");
    }
    String type = text(root, "type", true);
    String problem = Topics.typeProblem(type);
    if (problem != null) {
      throw new InvalidInputException("invalid event type '" + shorten(type) + "': " + problem);
    }
    Event.Builder b = Event.builder(type);
    String id = text(root, "id", strict);
    if (id != null) {
      b.id(nonBlank(id, "id"));
    }
    String source = text(root, "source", strict);
    b.source(source != null ? nonBlank(source, "source") : defaultSource);
    String time = text(root, "time", false);
    if (time != null) {
      b.time(parseTime(time));
    }
    b.subject(text(root, "subject", false));
    b.dataSchema(text(root, "dataschema", false));
    String contentType = text(root, "datacontenttype", false);
    String dataType = contentType == null ? Event.JSON : contentType;
    JsonNode data = root.get("data");
    JsonNode base64 = root.get("data_base64");
    if (data != null && base64 != null) {
      throw new InvalidInputException("the event has both 'data' and 'data_base64': send one");
    }
    if (base64 != null && !base64.isNull()) {
      if (!base64.isTextual()) {
        throw new InvalidInputException(
            "'data_base64' must be a string, got " + base64.getNodeType());
      }
      try {
        b.data(Base64.getDecoder().decode(base64.asText()), dataType);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "'data_base64' is not valid base64: '" + shorten(base64.asText()) + "'", e);
      }
    } else if (data != null && !data.isNull()) {
      byte[] bytes =
          data.isTextual() && !isJson(dataType)
              ? data.asText().getBytes(StandardCharsets.UTF_8)
              : toBytes(data);
      b.data(bytes, dataType);
    } else {
      b.data(new byte[0], dataType);
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (CONTEXT_ATTRIBUTES.contains(field.getKey()) || field.getValue().isNull()) {
        continue;
      }
      JsonNode value = field.getValue();
      if (value.isContainerNode()) {
        throw new InvalidInputException(
            "extension '" + field.getKey() + "' must be a string, an integer or a boolean");
      }
      if (value.isBoolean()) {
        b.extension(field.getKey(), value.booleanValue());
      } else if (value.isNumber()) {
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt()) {
          throw new InvalidInputException(
              "extension '"
                  + field.getKey()
                  + "' is "
                  + shorten(value.asText())
                  + ": CloudEvents integers are whole numbers within 32 bits; send other numbers"
                  + " as strings");
        }
        b.extension(field.getKey(), value.intValue());
      } else {
        b.extension(field.getKey(), value.asText());
      }
    }
    return b.build();
  }

  // --- JSON text

  /**
   * Parses JSON text as this codec reads it: numbers keep their exact text, and the text must hold
   * exactly one value.
   *
   * @param json UTF-8 JSON text
   * @return the parsed value
   * @throws InvalidInputException {@code "not valid JSON: <problem> (line L, column C)"}, caused by
   *     Jackson's exception, or {@code "not valid JSON: it is empty"}
   */
  public static JsonNode parse(byte[] json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
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
          "not valid JSON: " + cleanMessage(e.getOriginalMessage()) + where, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (tree == null || tree.isMissingNode()) {
      throw new InvalidInputException("not valid JSON: it is empty");
    }
    return tree;
  }

  /**
   * @param contentType a media type, possibly with parameters; {@code null} for none
   * @return whether it is JSON: {@code application/json}, {@code text/json} or {@code *+json}
   */
  public static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type =
        (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.equals("text/json") || type.endsWith("+json");
  }

  // --- helpers

  /** Jackson's message on one line, without the source description it puts inside locations. */
  private static String cleanMessage(String message) {
    if (message == null) {
      return "unknown problem";
    }
    return message
        .strip()
        .replaceAll("\\s*[\\r\\n]+\\s*", " ")
        .replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)]", "line $1, column $2");
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

  private static String text(ObjectNode root, String name, boolean required) {
    JsonNode v = root.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidInputException(
            "the event needs '" + name + "', a required CloudEvents attribute");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidInputException(
          "'" + name + "' must be a string, got " + v.getNodeType() + " " + shorten(v.toString()));
    }
    return v.asText();
  }

  private static String nonBlank(String value, String attribute) {
    if (value.isBlank()) {
      throw new InvalidInputException("'" + attribute + "' is blank");
    }
    return value;
  }

  private static Instant parseTime(String time) {
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          "'time' is not an RFC 3339 timestamp: '" + shorten(time) + "'", e);
    }
  }

  private static String shorten(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}
