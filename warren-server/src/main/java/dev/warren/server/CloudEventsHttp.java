package dev.warren.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Topics;
import dev.warren.codec.CloudEventsJson;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The CloudEvents HTTP binding: structured ({@code application/cloudevents+json}), batched ({@code
 * application/cloudevents-batch+json}) and binary ({@code ce-*} headers) requests become {@link
 * Event}s. The JSON format itself, both ways, is {@link CloudEventsJson}'s, the same as {@code
 * warren tail} writes.
 *
 * <p>Every failure is a {@link Problem} naming the attribute and, for batches, the event index.
 */
final class CloudEventsHttp {
  static final String STRUCTURED = CloudEventsJson.MEDIA_TYPE;
  static final String BATCH = CloudEventsJson.BATCH_MEDIA_TYPE;

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
   * @return the parsed JSON, numbers exact
   */
  static JsonNode parseJson(byte[] body, String what) {
    try {
      return CloudEventsJson.parse(body);
    } catch (InvalidInputException e) {
      if (e.getCause() instanceof JsonProcessingException j) {
        throw Problem.badRequest("malformed JSON in " + what + ": " + j.getOriginalMessage());
      }
      throw Problem.badRequest(what + " is empty: expected JSON");
    }
  }

  /** A structured-mode event, with the source to use when it names none. */
  static Event structured(JsonNode node, String defaultSource) {
    return CloudEventsJson.fromJsonWithDefaults(node, defaultSource);
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
      try {
        events.add(structured(array.get(i), defaultSource));
      } catch (InvalidInputException e) {
        throw Problem.badRequest("batch event " + i + ": " + e.getMessage());
      }
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
      Function<String, String> rawHeader,
      Iterable<String> headerNames,
      String contentType,
      byte[] body,
      String defaultSource) {
    String what = "the binary-mode event";
    Function<String, String> header = name -> percentDecode(rawHeader.apply(name), name);
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
    b.dataSchema(header.apply("ce-dataschema"));
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

  /**
   * A {@code ce-*} header value as the CloudEvents HTTP binding (section 3.1.3.2) writes it: octets
   * outside printable ASCII, space, {@code "} and {@code %} percent-encoded, the bytes UTF-8.
   *
   * @param value the header value, or {@code null}
   * @param name the header, for the message
   * @return the decoded value, or {@code null}
   * @throws Problem 400 naming the header for a bad escape or bytes that are not UTF-8
   */
  static String percentDecode(String value, String name) {
    if (value == null || value.indexOf('%') < 0) {
      return value;
    }
    byte[] raw = value.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b != '%') {
        out.write(b);
        continue;
      }
      int hi = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
      int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
      if (lo < 0) {
        throw Problem.badRequest(
            "header '"
                + name.toLowerCase(Locale.ROOT)
                + "': '%' must start an escape of two hex digits (%25 for '%' itself), in '"
                + shorten(value)
                + "'");
      }
      out.write(hi << 4 | lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw Problem.badRequest(
          "header '"
              + name.toLowerCase(Locale.ROOT)
              + "': the percent-decoded value is not UTF-8: '"
              + shorten(value)
              + "'");
    }
  }

  static boolean isJson(String contentType) {
    return CloudEventsJson.isJson(contentType);
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

  private static Instant parseTime(String time, String attribute, String what) {
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      throw Problem.badRequest(
          what + ": '" + attribute + "' is not an RFC 3339 timestamp: '" + shorten(time) + "'");
    }
  }
}
