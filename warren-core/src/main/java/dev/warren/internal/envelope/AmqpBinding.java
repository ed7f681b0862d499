package dev.warren.internal.envelope;

import dev.warren.Event;
import dev.warren.spi.DataCodec;
import dev.warren.transport.Message;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CloudEvents AMQP binding in binary content mode: the body is the data, the attributes travel
 * as {@code cloudEvents_*} headers, mirrored in the AMQP properties a plain consumer looks at
 * ({@code message_id}, {@code type}, {@code timestamp}, {@code content_type}, {@code
 * correlation_id}, {@code app_id}).
 *
 * <p>Reading accepts {@code cloudEvents_} and {@code cloudEvents:} prefixes, and messages from
 * producers that know nothing of CloudEvents: the type comes from the routing key, the id from
 * {@code message_id} (or a new one), the source from {@code app_id}.
 */
public final class AmqpBinding {
  /** Header prefix written. */
  public static final String PREFIX = "cloudEvents_";

  private static final String ALT_PREFIX = "cloudEvents:";
  private static final String SPECVERSION = PREFIX + "specversion";
  private static final String ID = PREFIX + "id";
  private static final String SOURCE = PREFIX + "source";
  private static final String TYPE = PREFIX + "type";
  private static final String TIME = PREFIX + "time";
  private static final String SUBJECT = PREFIX + "subject";

  private static final java.util.regex.Pattern EXTENSION_NAME =
      java.util.regex.Pattern.compile("[a-z0-9]{1,20}");

  private AmqpBinding() {}

  /**
   * @param event a complete event (source set)
   * @param extraHeaders Warren's own headers to add, or an empty map
   * @return the message to publish
   */
  public static Message toMessage(Event event, Map<String, Object> extraHeaders) {
    Map<String, Object> headers = new LinkedHashMap<>(8 + event.extensions().size());
    headers.put(SPECVERSION, Event.SPEC_VERSION);
    headers.put(ID, event.id());
    headers.put(SOURCE, event.source());
    headers.put(TYPE, event.type());
    headers.put(TIME, InstantText.format(event.time()));
    event.subject().ifPresent(s -> headers.put(SUBJECT, s));
    for (Map.Entry<String, String> e : event.extensions().entrySet()) {
      headers.put(PREFIX + e.getKey(), e.getValue());
    }
    headers.putAll(extraHeaders);
    return new Message(
        event.id(),
        event.type(),
        event.dataContentType(),
        event.correlationId().orElse(null),
        event.source(),
        event.time(),
        null,
        true,
        Collections.unmodifiableMap(headers),
        event.data(),
        event);
  }

  /**
   * @param message a received message
   * @param routingKey the routing key it was published with
   * @param codec the codec for {@link Event#data(Class)}
   * @return the event it carries
   * @throws dev.warren.InvalidInputException when its attributes are not valid
   */
  public static Event toEvent(Message message, String routingKey, DataCodec codec) {
    Event origin = message.origin();
    if (origin != null) {
      // why: the message never left the process; its headers say exactly what the event says.
      // toBuilder drops the publisher's data object, so handlers decode their own copy of it.
      Event.Builder b = origin.toBuilder();
      if (codec != null) {
        b.codec(codec);
      }
      return b.build();
    }
    String id = null;
    String source = null;
    String type = null;
    String time = null;
    String subject = null;
    Map<String, String> extensions = new LinkedHashMap<>();
    for (Map.Entry<String, Object> h : message.headers().entrySet()) {
      String key = h.getKey();
      String name;
      if (key.startsWith(PREFIX)) {
        name = key.substring(PREFIX.length());
      } else if (key.startsWith(ALT_PREFIX)) {
        name = key.substring(ALT_PREFIX.length());
      } else {
        continue;
      }
      String value = message.header(key);
      switch (name) {
        case "id" -> id = value;
        case "source" -> source = value;
        case "type" -> type = value;
        case "time" -> time = value;
        case "subject" -> subject = value;
        case "specversion", "datacontenttype" -> {}
        default -> {
          // why: foreign producers may send headers that are not valid attribute names; skip those
          if (EXTENSION_NAME.matcher(name).matches()) {
            extensions.put(name, value);
          }
        }
      }
    }
    Event.Builder b =
        Event.builder(type != null ? type : message.type() != null ? message.type() : routingKey);
    b.id(id != null ? id : message.messageId() != null ? message.messageId() : Event.newId());
    b.source(source != null ? source : message.appId() != null ? message.appId() : "amqp");
    b.time(parseTime(time, message.timestamp()));
    b.subject(subject);
    if (message.correlationId() != null && !extensions.containsKey(Event.CORRELATION_ID)) {
      extensions.put(Event.CORRELATION_ID, message.correlationId());
    }
    extensions.forEach(b::extension);
    b.data(message.body(), message.contentType() != null ? message.contentType() : Event.JSON);
    b.codec(codec);
    return b.build();
  }

  private static Instant parseTime(String time, Instant fallback) {
    if (time != null) {
      Instant fast = InstantText.parse(time);
      if (fast != null) {
        return fast;
      }
      try {
        return Instant.parse(time);
      } catch (DateTimeParseException e) {
        try {
          return java.time.OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException ignored) {
          // fall through to the AMQP timestamp
        }
      }
    }
    return fallback != null ? fallback : Instant.now();
  }
}
