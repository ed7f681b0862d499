package dev.warren.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Topics;
import dev.warren.codec.JsonDataCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The CloudEvents HTTP binding, both ways: structured ({@code application/cloudevents+json}),
 * batched ({@code application/cloudevents-batch+json}) and binary ({@code ce-*} headers) requests
 * become {@link Event}s; events become structured JSON for responses and Server-Sent Events.
 *
 * <p>Every failure is a {@link Problem} naming the attribute and, for batches, the event index.
 */
final class CloudEventsHttp {
  static final String STRUCTURED = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";

  private static final Set<String> CONTEXT =
      Set.of(
          "specversion",
          "id",
          "source",
          "type",
          "time",
          "subject",
          "datacontenttype",
          "dataschema",
          "data",
          "data_base64");

  private CloudEventsHttp() {}

  /**
   * @param body the request body
   * @param what what the body is, for messages ("the request body", "event 3")
   * @return the parsed JSON
   */
  static JsonNode parseJson(byte[] body, String what) {
    try {
      JsonNode node = JsonDataCodec.MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw Problem.badRequest(what + " is empty: expected JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw Problem.badRequest("malformed JSON in " + what + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Problem.badRequest("cannot read " + what + ": " + e.getMessage());
    }
  }

  /** A structured-mode event, with the source to use when it names none. */
  static Event structured(JsonNode node, String defaultSource, String what) {
    if (!(node instanceof ObjectNode object)) {
      throw Problem.badRequest(what + " must be a JSON object, got " + node.getNodeType());
    }
    String specversion = text(object, "specversion", what, true);
    requireSpecVersion(specversion, what);
    String type = text(object, "type", what, true);
    Event.Builder b = Event.builder(requireType(type, what));
    String id = text(object, "id", what, false);
    if (id != null) {
      b.id(requireNonBlank(id, "id", what));
    }
    String source = text(object, "source", what, false);
    b.source(source != null ? requireNonBlank(source, "source", what) : defaultSource);
    String time = text(object, "time", what, false);
    if (time != null) {
      b.time(parseTime(time, "time", what));
    }
    b.subject(text(object, "subject", what, false));
    String contentType = text(object, "datacontenttype", what, false);
    JsonNode data = object.get("data");
    JsonNode base64 = object.get("data_base64");
    if (data != null && base64 != null) {
      throw Problem.badRequest(what + " has both 'data' and 'data_base64': send one");
    }
    if (base64 != null && !base64.isNull()) {
      if (!base64.isTextual()) {
        throw Problem.badRequest(what + ": 'data_base64' must be a string");
      }
      try {
        b.data(
            Base64.getDecoder().decode(base64.asText()),
            contentType == null ? "application/octet-stream" : contentType);
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest(
            what + ": 'data_base64' is not valid base64 ('" + shorten(base64.asText()) + "')");
      }
    } else if (data != null && !data.isNull()) {
      if (data.isTextual() && contentType != null && !isJson(contentType)) {
        b.data(data.asText().getBytes(StandardCharsets.UTF_8), contentType);
      } else {
        b.data(json(data), contentType == null ? Event.JSON : contentType);
      }
    } else if (contentType != null) {
      b.data(new byte[0], contentType);
    }
    for (Map.Entry<String, JsonNode> f : object.properties()) {
      if (CONTEXT.contains(f.getKey()) || f.getValue().isNull()) {
        continue;
      }
      if (f.getValue().isContainerNode()) {
        throw Problem.badRequest(
            what + ": extension '" + f.getKey() + "' must be a string, number or boolean");
      }
      b.extension(f.getKey(), f.getValue().asText());
    }
    return build(b, what);
  }

  /** Every event of a batch, validated before any is published. */
  static List<Event> batch(JsonNode node, String defaultSource) {
    if (!(node instanceof ArrayNode array)) {
      throw Problem.badRequest(
          "a CloudEvents batch must be a JSON array, got " + node.getNodeType());
    }
    if (array.isEmpty()) {
      throw Problem.badRequest("the CloudEvents batch is empty: send at least one event");
    }
    List<Event> events = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      events.add(structured(array.get(i), defaultSource, "batch event " + i));
    }
    return events;
  }

  /**
   * A binary-mode event: attributes in {@code ce-*} headers, the body is the data.
   *
   * @param header reads a request header by (case-insensitive) name
   * @param headerNames every header name of the request
   */
  static Event binary(
      Function<String, String> header,
      Iterable<String> headerNames,
      String contentType,
      byte[] body,
      String defaultSource) {
    String what = "the binary-mode event";
    String specversion = header.apply("ce-specversion");
    if (specversion == null) {
      throw Problem.badRequest("missing header 'ce-specversion': binary mode needs it, use 1.0");
    }
    requireSpecVersion(specversion, what);
    String type = header.apply("ce-type");
    if (type == null) {
      throw Problem.badRequest("missing header 'ce-type': the event type is required");
    }
    Event.Builder b = Event.builder(requireType(type, what));
    String id = header.apply("ce-id");
    if (id != null) {
      b.id(requireNonBlank(id, "ce-id", what));
    }
    String source = header.apply("ce-source");
    b.source(source != null ? requireNonBlank(source, "ce-source", what) : defaultSource);
    String time = header.apply("ce-time");
    if (time != null) {
      b.time(parseTime(time, "ce-time", what));
    }
    b.subject(header.apply("ce-subject"));
    b.data(body, contentType == null ? "application/octet-stream" : contentType);
    for (String name : headerNames) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("ce-")) {
        continue;
      }
      String attribute = lower.substring(3);
      if (!CONTEXT.contains(attribute)) {
        b.extension(attribute, header.apply(name));
      }
    }
    return build(b, what);
  }

  /** An event as structured-mode JSON. */
  static ObjectNode toJson(Event event) {
    ObjectNode node = JsonDataCodec.MAPPER.createObjectNode();
    node.put("specversion", Event.SPEC_VERSION);
    node.put("id", event.id());
    node.put("source", event.source());
    node.put("type", event.type());
    node.put("time", event.time().toString());
    event.subject().ifPresent(s -> node.put("subject", s));
    node.put("datacontenttype", event.dataContentType());
    event.extensions().forEach(node::put);
    byte[] data = event.data();
    if (data.length > 0) {
      if (isJson(event.dataContentType())) {
        try {
          node.set("data", JsonDataCodec.MAPPER.readTree(data));
        } catch (IOException e) {
          node.put("data_base64", Base64.getEncoder().encodeToString(data));
        }
      } else if (event.dataContentType().startsWith("text/")) {
        node.put("data", event.dataAsString());
      } else {
        node.put("data_base64", Base64.getEncoder().encodeToString(data));
      }
    }
    return node;
  }

  static boolean isJson(String contentType) {
    String base = mediaType(contentType);
    return base.equals("application/json") || base.endsWith("+json");
  }

  /** The media type without parameters, lower case; empty for none. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  static String requireType(String type, String what) {
    String problem = Topics.typeProblem(type);
    if (problem != null) {
      throw Problem.badRequest(what + ": invalid event type '" + shorten(type) + "': " + problem);
    }
    return type;
  }

  static String shorten(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }

  private static Event build(Event.Builder b, String what) {
    try {
      return b.build();
    } catch (InvalidInputException e) {
      throw Problem.badRequest(what + ": " + e.getMessage());
    }
  }

  private static byte[] json(JsonNode data) {
    try {
      return JsonDataCodec.MAPPER.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw Problem.badRequest("cannot encode data: " + e.getOriginalMessage());
    }
  }

  private static void requireSpecVersion(String specversion, String what) {
    if (!Event.SPEC_VERSION.equals(specversion)) {
      throw Problem.badRequest(
          what + ": unsupported specversion '" + specversion + "': Warren speaks CloudEvents 1.0");
    }
  }

  private static String requireNonBlank(String value, String attribute, String what) {
    if (value.isBlank()) {
      throw Problem.badRequest(what + ": '" + attribute + "' is blank");
    }
    return value;
  }

  private static String text(ObjectNode object, String name, String what, boolean required) {
    JsonNode v = object.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw Problem.badRequest(what + " is missing the required attribute '" + name + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw Problem.badRequest(
          what + ": attribute '" + name + "' must be a string, got " + v.getNodeType() + " " + v);
    }
    return v.asText();
  }

  private static Instant parseTime(String time, String attribute, String what) {
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      throw Problem.badRequest(
          what + ": '" + attribute + "' is not an RFC 3339 timestamp: '" + shorten(time) + "'");
    }
  }
}
