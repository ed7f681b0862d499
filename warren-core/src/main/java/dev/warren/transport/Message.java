package dev.warren.transport;

import dev.warren.Event;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message as it travels: AMQP basic properties, headers and a body. Warren's CloudEvents envelope
 * is mapped onto it by the engine.
 *
 * @param messageId the {@code message_id} property
 * @param type the {@code type} property
 * @param contentType the {@code content_type} property
 * @param correlationId the {@code correlation_id} property
 * @param replyTo the {@code reply_to} property: where a reply to this message goes (a {@linkplain
 *     ReplyChannel reply address}), or {@code null}
 * @param appId the {@code app_id} property
 * @param timestamp the {@code timestamp} property (seconds resolution on the wire)
 * @param expiration per-message time-to-live in milliseconds, or {@code null}
 * @param persistent whether the broker writes it to disk ({@code delivery_mode} 2)
 * @param headers header table: values are String, Long, Integer, Boolean, Double, byte[], List or
 *     Map; from a foreign publisher also Short, Byte, Float, BigDecimal and Instant (an AMQP
 *     timestamp), kept so that a retry or a dead letter writes them back as they arrived
 * @param body the body
 * @param origin the event this message was encoded from, while the message has not left the process
 *     (the in-memory transport hands it over as is, so the consumer need not decode the headers
 *     again); {@code null} for a message read off the wire or changed since
 * @param contentEncoding the {@code content_encoding} property (for example {@code gzip}), or
 *     {@code null}; kept so that a retry or a dead letter of a foreign message still says it
 * @param priority the {@code priority} property (0-255), or {@code null}
 */
public record Message(
    String messageId,
    String type,
    String contentType,
    String correlationId,
    String replyTo,
    String appId,
    Instant timestamp,
    Long expiration,
    boolean persistent,
    Map<String, Object> headers,
    byte[] body,
    Event origin,
    String contentEncoding,
    Integer priority) {

  private static final Class<?> UNMODIFIABLE_VIEW =
      Collections.unmodifiableMap(new LinkedHashMap<>()).getClass();

  /**
   * Canonical constructor: headers become an unmodifiable copy, never null. An unmodifiable view
   * ({@link Collections#unmodifiableMap}) is kept as it is: whoever passes one hands over the map
   * behind it and must not change it afterwards.
   *
   * @throws dev.warren.InvalidInputException when the priority is not between 0 and 255
   */
  public Message {
    // why: every message is built once per publish and once per delivery; copying its header
    // table again each time was a measurable share of the client's CPU per message
    if (headers == null || headers.isEmpty()) {
      headers = Map.of();
    } else if (headers.getClass() != UNMODIFIABLE_VIEW) {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
    body = body == null ? new byte[0] : body;
    if (priority != null && (priority < 0 || priority > 255)) {
      throw new dev.warren.InvalidInputException(
          "message priority " + priority + " is not between 0 and 255");
    }
  }

  /**
   * A message without {@code content_encoding} and {@code priority}, the properties Warren never
   * sets on its own messages.
   *
   * @param messageId the {@code message_id} property
   * @param type the {@code type} property
   * @param contentType the {@code content_type} property
   * @param correlationId the {@code correlation_id} property
   * @param replyTo the {@code reply_to} property, or {@code null}
   * @param appId the {@code app_id} property
   * @param timestamp the {@code timestamp} property
   * @param expiration per-message time-to-live in milliseconds, or {@code null}
   * @param persistent whether the broker writes it to disk
   * @param headers header table
   * @param body the body
   * @param origin the event it was encoded from, or {@code null}
   */
  public Message(
      String messageId,
      String type,
      String contentType,
      String correlationId,
      String replyTo,
      String appId,
      Instant timestamp,
      Long expiration,
      boolean persistent,
      Map<String, Object> headers,
      byte[] body,
      Event origin) {
    this(
        messageId,
        type,
        contentType,
        correlationId,
        replyTo,
        appId,
        timestamp,
        expiration,
        persistent,
        headers,
        body,
        origin,
        null,
        null);
  }

  /**
   * A message without an origin event: one read off the wire, or built by hand.
   *
   * @param messageId the {@code message_id} property
   * @param type the {@code type} property
   * @param contentType the {@code content_type} property
   * @param correlationId the {@code correlation_id} property
   * @param appId the {@code app_id} property
   * @param timestamp the {@code timestamp} property
   * @param expiration per-message time-to-live in milliseconds, or {@code null}
   * @param persistent whether the broker writes it to disk
   * @param headers header table
   * @param body the body
   */
  public Message(
      String messageId,
      String type,
      String contentType,
      String correlationId,
      String appId,
      Instant timestamp,
      Long expiration,
      boolean persistent,
      Map<String, Object> headers,
      byte[] body) {
    this(
        messageId,
        type,
        contentType,
        correlationId,
        null,
        appId,
        timestamp,
        expiration,
        persistent,
        headers,
        body,
        null);
  }

  /**
   * A message without a reply address.
   *
   * @param messageId the {@code message_id} property
   * @param type the {@code type} property
   * @param contentType the {@code content_type} property
   * @param correlationId the {@code correlation_id} property
   * @param appId the {@code app_id} property
   * @param timestamp the {@code timestamp} property
   * @param expiration per-message time-to-live in milliseconds, or {@code null}
   * @param persistent whether the broker writes it to disk
   * @param headers header table
   * @param body the body
   * @param origin the event it was encoded from, or {@code null}
   */
  public Message(
      String messageId,
      String type,
      String contentType,
      String correlationId,
      String appId,
      Instant timestamp,
      Long expiration,
      boolean persistent,
      Map<String, Object> headers,
      byte[] body,
      Event origin) {
    this(
        messageId,
        type,
        contentType,
        correlationId,
        null,
        appId,
        timestamp,
        expiration,
        persistent,
        headers,
        body,
        origin);
  }

  /**
   * @param body the body
   * @param headers the headers
   * @return a persistent message with only headers and a body
   */
  public static Message of(byte[] body, Map<String, Object> headers) {
    return new Message(null, null, null, null, null, null, null, true, headers, body);
  }

  /**
   * @param headers the new headers
   * @return a copy with these headers (and no origin event: the headers no longer match it)
   */
  public Message withHeaders(Map<String, Object> headers) {
    return new Message(
        messageId,
        type,
        contentType,
        correlationId,
        replyTo,
        appId,
        timestamp,
        expiration,
        persistent,
        headers,
        body,
        null,
        contentEncoding,
        priority);
  }

  /**
   * @param expiration per-message TTL in milliseconds, or {@code null}
   * @return a copy with that expiration
   */
  public Message withExpiration(Long expiration) {
    return new Message(
        messageId,
        type,
        contentType,
        correlationId,
        replyTo,
        appId,
        timestamp,
        expiration,
        persistent,
        headers,
        body,
        origin,
        contentEncoding,
        priority);
  }

  /**
   * @param replyTo where a reply to this message goes, or {@code null}
   * @return a copy with that reply address (the origin event is kept: the reply address is not one
   *     of its attributes)
   */
  public Message withReplyTo(String replyTo) {
    return new Message(
        messageId,
        type,
        contentType,
        correlationId,
        replyTo,
        appId,
        timestamp,
        expiration,
        persistent,
        headers,
        body,
        origin,
        contentEncoding,
        priority);
  }

  /**
   * @param name a header name
   * @return the header as text, or {@code null}
   */
  public String header(String name) {
    Object v = headers.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] b) {
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    return v.toString();
  }
}
