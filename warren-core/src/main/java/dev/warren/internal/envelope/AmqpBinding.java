package dev.warren.internal.envelope;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.spi.DataCodec;
import dev.warren.transport.Message;
import dev.warren.transport.WarrenHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The CloudEvents AMQP binding in binary content mode: the body is the data, the attributes travel
 * as {@code cloudEvents_*} headers, mirrored in the AMQP properties a plain consumer looks at
 * ({@code message_id}, {@code type}, {@code timestamp}, {@code content_type}, {@code
 * correlation_id}, {@code app_id}).
 *
 * <p>Reading accepts {@code cloudEvents_} and {@code cloudEvents:} prefixes, and messages from
 * producers that know nothing of CloudEvents: the type comes from the {@code type} property or the
 * routing key, the id from {@code message_id} (or {@link #derivedId one derived from the message},
 * the same in every subscription and attempt), the source from {@code app_id}. What Warren derives
 * is never written back to the message: retries and dead letters carry it as it arrived.
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
  private static final String DATASCHEMA = PREFIX + "dataschema";

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
    event.dataSchema().ifPresent(d -> headers.put(DATASCHEMA, d));
    // why: AMQP application properties are typed, so integer and boolean extensions travel as such
    for (Map.Entry<String, Object> e : event.extensions().entrySet()) {
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
   * Reads the event a received message carries. Nothing is corrected: a message whose attributes
   * Warren cannot read as they are is refused, so that the caller dead-letters it with the reason.
   *
   * <ul>
   *   <li>{@code specversion}, when present, must be {@value Event#SPEC_VERSION}.
   *   <li>{@code time}, when present, must be an RFC 3339 timestamp; when absent the event's time
   *       is the AMQP {@code timestamp} property, else the time it was received (the event model
   *       needs one; nothing writes it back to the message).
   *   <li>The id is {@code cloudEvents_id}, else a non-blank {@code message_id}, else {@link
   *       #derivedId(Message)}: the same in every subscription and every attempt.
   *   <li>The type is {@code cloudEvents_type}, else the {@code type} property, else the routing
   *       key the message was first published with ({@link #firstRoutingKey}: it differs on a retry
   *       or a replay), else the routing key it arrived with.
   *   <li>Attribute headers must have valid names ({@code [a-z0-9]}, at most 20 characters).
   * </ul>
   *
   * @param message a received message
   * @param routingKey the routing key it was delivered with
   * @param codec the codec for {@link Event#data(Class)}
   * @return the event it carries
   * @throws dev.warren.InvalidInputException naming the attribute when its attributes are not valid
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
    String specversion = null;
    String id = null;
    String source = null;
    String type = null;
    String time = null;
    String subject = null;
    String dataContentType = null;
    String dataSchema = null;
    Map<String, Object> extensions = new LinkedHashMap<>();
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
        case "specversion" -> specversion = value;
        case "id" -> id = value;
        case "source" -> source = value;
        case "type" -> type = value;
        case "time" -> time = value;
        case "subject" -> subject = value;
        case "datacontenttype" -> dataContentType = value;
        case "dataschema" -> dataSchema = value;
        default -> {
          // why: an attribute Warren cannot carry is refused rather than left out of the event
          if (!EXTENSION_NAME.matcher(name).matches()) {
            throw new InvalidInputException(
                "header '"
                    + key
                    + "' is no CloudEvents attribute Warren can read: attribute names are"
                    + " lower-case letters and digits, at most 20 of them");
          }
          extensions.put(name, extensionValue(h.getValue(), value));
        }
      }
    }
    if (specversion != null && !Event.SPEC_VERSION.equals(specversion)) {
      throw new InvalidInputException(
          "CloudEvents specversion '"
              + specversion
              + "' is not supported; Warren reads "
              + Event.SPEC_VERSION);
    }
    if (type == null) {
      type = message.type();
    }
    if (type == null) {
      type = firstRoutingKey(message);
    }
    Event.Builder b = Event.builder(type != null ? type : routingKey);
    b.id(id != null ? id : idOf(message));
    b.source(source != null ? source : message.appId() != null ? message.appId() : "amqp");
    b.time(time != null ? parseTime(time) : message.timestamp());
    b.subject(subject);
    b.dataSchema(dataSchema);
    if (message.correlationId() != null && !extensions.containsKey(Event.CORRELATION_ID)) {
      extensions.put(Event.CORRELATION_ID, message.correlationId());
    }
    extensions.forEach(b::extension);
    String contentType = message.contentType() != null ? message.contentType() : dataContentType;
    b.data(message.body(), contentType != null ? contentType : Event.JSON);
    b.codec(codec);
    return b.build();
  }

  /** An AMQP header as a CloudEvents extension value: booleans and integers keep their type. */
  private static Object extensionValue(Object raw, String text) {
    if (raw instanceof Boolean || raw instanceof Integer) {
      return raw;
    }
    if ((raw instanceof Long || raw instanceof Short || raw instanceof Byte)
        && ((Number) raw).longValue() == (int) ((Number) raw).longValue()) {
      return (int) ((Number) raw).longValue();
    }
    return text;
  }

  /**
   * The routing key a message was first published with, before retries (through the default
   * exchange) or the broker's dead-lettering changed it: {@link WarrenHeaders#ROUTING_KEY}, which
   * Warren records when a delivery first fails, else the routing key of the broker's first {@code
   * x-death} record.
   *
   * @param message a message
   * @return the routing key, or {@code null} when the message does not say (it arrived as it was
   *     published)
   */
  public static String firstRoutingKey(Message message) {
    String recorded = message.header(WarrenHeaders.ROUTING_KEY);
    if (recorded != null) {
      return recorded;
    }
    if (!(message.headers().get("x-death") instanceof List<?> deaths) || deaths.isEmpty()) {
      return null;
    }
    // why: the broker moves a record to the front when the same queue and reason recur, so the
    // first death is the record naming x-first-death-queue and -reason, else the oldest one
    String queue = message.header("x-first-death-queue");
    String reason = message.header("x-first-death-reason");
    Object first = deaths.get(deaths.size() - 1);
    for (Object d : deaths) {
      if (d instanceof Map<?, ?> death
          && queue != null
          && queue.equals(String.valueOf(death.get("queue")))
          && (reason == null || reason.equals(String.valueOf(death.get("reason"))))) {
        first = d;
        break;
      }
    }
    if (first instanceof Map<?, ?> death
        && death.get("routing-keys") instanceof List<?> keys
        && !keys.isEmpty()
        && keys.get(0) != null) {
      Object key = keys.get(0);
      return key instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : key.toString();
    }
    return null;
  }

  /**
   * The id of a received message, as {@link #toEvent} reads it, also when the message is no valid
   * event: {@code cloudEvents_id}, else a non-blank {@code message_id}, else {@link #derivedId}.
   *
   * @param message a message
   * @return its id
   */
  public static String idOf(Message message) {
    String id = message.header(ID);
    if (id == null) {
      id = message.header(ALT_PREFIX + "id");
    }
    if (id != null) {
      return id;
    }
    String messageId = message.messageId();
    if (messageId != null && !messageId.isBlank()) {
      return messageId;
    }
    return derivedId(message);
  }

  /**
   * The id of a message that carries none (no {@code cloudEvents_id}, no {@code message_id}), for
   * example one from a plain AMQP client: a version 8 UUID made of the first 128 bits of the
   * SHA-256 of what the broker copies unchanged into every queue and Warren keeps unchanged on
   * retries and dead letters: the body, the {@code type}, {@code content_type}, {@code
   * content_encoding}, {@code priority}, {@code correlation_id} and {@code app_id} properties, the
   * {@code timestamp} property (in seconds) and the headers except Warren's ({@code warren-*}) and
   * the broker's ({@code x-*}).
   *
   * <p>So every subscription that receives the message, and every attempt, sees the same id; and
   * two byte-identical messages without ids get the same id (a subscription with deduplication
   * handles only the first).
   *
   * @param message a message
   * @return its derived id
   */
  public static String derivedId(Message message) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    field(sha, "warren-derived-id-1");
    field(sha, message.type());
    field(sha, message.contentType());
    field(sha, message.contentEncoding());
    field(sha, message.priority() == null ? null : message.priority().toString());
    field(sha, message.correlationId());
    field(sha, message.appId());
    field(
        sha,
        message.timestamp() == null ? null : Long.toString(message.timestamp().getEpochSecond()));
    Map<String, Object> publisherHeaders = new TreeMap<>();
    message
        .headers()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("warren-") && !k.startsWith("x-")) {
                publisherHeaders.put(k, v);
              }
            });
    field(sha, canonical(publisherHeaders));
    byte[] body = message.body();
    sha.update(ByteBuffer.allocate(8).putLong(body.length).array());
    sha.update(body);
    byte[] h = sha.digest();
    h[6] = (byte) ((h[6] & 0x0f) | 0x80); // version 8: custom
    h[8] = (byte) ((h[8] & 0x3f) | 0x80); // variant of RFC 9562
    ByteBuffer bb = ByteBuffer.wrap(h);
    return new UUID(bb.getLong(), bb.getLong()).toString();
  }

  private static void field(MessageDigest sha, String value) {
    if (value == null) {
      sha.update((byte) 0);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    sha.update((byte) 1);
    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }

  /**
   * A header value as text that does not depend on how a transport typed it on the way back (an
   * AMQP short comes back as an int, a long string as a string), so that a retry hashes the same.
   */
  private static String canonical(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "s" + s.length() + ":" + s;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return "i:" + ((Number) v).longValue();
    }
    if (v instanceof byte[] b) {
      return "b:" + Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (Object o : list) {
        out.append(canonical(o)).append(',');
      }
      return out.append(']').toString();
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, x) -> sorted.put(String.valueOf(k), x));
      StringBuilder out = new StringBuilder("{");
      sorted.forEach(
          (k, x) -> out.append(canonical(k)).append('=').append(canonical(x)).append(','));
      return out.append('}').toString();
    }
    String s = v.toString();
    return v.getClass().getSimpleName() + s.length() + ":" + s;
  }

  private static Instant parseTime(String time) {
    Instant fast = InstantText.parse(time);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(time).toInstant();
      } catch (DateTimeParseException notRfc3339) {
        throw new InvalidInputException(
            "CloudEvents time '" + time + "' is no RFC 3339 timestamp", notRfc3339);
      }
    }
  }
}
