package dev.warren.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.warren.InvalidInputException;
import dev.warren.transport.Message;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps {@link Message} onto AMQP basic properties and back. {@code user_id} and {@code cluster_id}
 * are not kept: a retry or a dead letter is published by Warren's own user, and the broker refuses
 * a {@code user_id} that is not the publisher's.
 */
final class MessageMapper {
  private static final int PERSISTENT = 2;
  private static final int TRANSIENT = 1;

  private MessageMapper() {}

  /**
   * @param m a message
   * @return its basic properties
   * @throws InvalidInputException when a header value has a type AMQP cannot carry
   */
  static AMQP.BasicProperties toProperties(Message m) {
    Map<String, Object> headers = m.headers();
    if (!headers.isEmpty()) {
      // why: amqp-client numbers a publish before it serializes the headers, so a value it
      // cannot write would leave the confirm sequence off by one; refuse it up front instead
      boolean instants = false;
      for (Map.Entry<String, Object> e : headers.entrySet()) {
        instants |= checkValue(e.getKey(), e.getValue());
      }
      if (instants) {
        headers = wire(headers);
      }
    }
    return new AMQP.BasicProperties.Builder()
        .messageId(m.messageId())
        .type(m.type())
        .contentType(m.contentType())
        .contentEncoding(m.contentEncoding())
        .priority(m.priority())
        .correlationId(m.correlationId())
        .replyTo(m.replyTo())
        .appId(m.appId())
        .timestamp(m.timestamp() == null ? null : Date.from(m.timestamp()))
        .expiration(m.expiration() == null ? null : Long.toString(m.expiration()))
        .deliveryMode(m.persistent() ? PERSISTENT : TRANSIENT)
        .headers(headers.isEmpty() ? null : headers)
        .build();
  }

  /** A copy of a header table with each {@link Instant} as the {@link Date} amqp-client writes. */
  @SuppressWarnings("unchecked")
  private static <T> T wire(T v) {
    if (v instanceof Instant i) {
      return (T) Date.from(i);
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(wire(o));
      }
      return (T) out;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put((String) e.getKey(), wire(e.getValue()));
      }
      return (T) out;
    }
    return v;
  }

  /**
   * @return whether the value holds an {@link Instant}, which is written as an AMQP timestamp
   */
  private static boolean checkValue(String name, Object v) {
    if (v instanceof Instant) {
      return true;
    }
    if (v == null
        || v instanceof String
        || v instanceof Long
        || v instanceof Integer
        || v instanceof Boolean
        || v instanceof Double
        || v instanceof byte[]
        || v instanceof Short
        || v instanceof Byte
        || v instanceof Float
        || v instanceof BigDecimal
        || v instanceof Date
        || v instanceof LongString) {
      return false;
    }
    if (v instanceof List<?> list) {
      boolean instants = false;
      for (Object o : list) {
        instants |= checkValue(name, o);
      }
      return instants;
    }
    if (v instanceof Map<?, ?> map) {
      boolean instants = false;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new InvalidInputException(
              "header '" + name + "' holds a table with a non-text key '" + e.getKey() + "'");
        }
        instants |= checkValue(name, e.getValue());
      }
      return instants;
    }
    throw new InvalidInputException(
        "header '"
            + name
            + "' has a value of type "
            + v.getClass().getName()
            + "; AMQP headers carry String, Long, Integer, Short, Byte, Boolean, Double, Float,"
            + " BigDecimal, Instant, byte[], List or Map");
  }

  /**
   * @param p basic properties as received
   * @param body the body
   * @return the message, with headers in plain Java types
   */
  static Message toMessage(AMQP.BasicProperties p, byte[] body) {
    Map<String, Object> raw = p.getHeaders();
    Map<String, Object> headers;
    if (raw == null || raw.isEmpty()) {
      headers = Map.of();
    } else {
      headers = new LinkedHashMap<>(raw.size() * 2);
      for (Map.Entry<String, Object> e : raw.entrySet()) {
        headers.put(e.getKey(), plain(e.getValue()));
      }
    }
    Integer mode = p.getDeliveryMode();
    return new Message(
        p.getMessageId(),
        p.getType(),
        p.getContentType(),
        p.getCorrelationId(),
        p.getReplyTo(),
        p.getAppId(),
        p.getTimestamp() == null ? null : p.getTimestamp().toInstant(),
        expiration(p.getExpiration()),
        mode != null && mode == PERSISTENT,
        // why: the map is this method's own, so the message may keep it without a copy
        headers.isEmpty() ? headers : Collections.unmodifiableMap(headers),
        body,
        null,
        // why: kept so that a retry or a dead letter of a foreign message says what it said
        p.getContentEncoding(),
        p.getPriority());
  }

  private static Long expiration(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      // why: the broker refuses such a message on publish, so only a broken relay sends it
      return null;
    }
  }

  /**
   * amqp-client reads strings as {@link LongString}, also inside arrays and tables (for example
   * {@code x-death}); Warren's headers are plain Java values. Timestamps become {@link Instant}s;
   * other numbers keep their type (short, byte, float, decimal), so that a retry or a dead letter
   * writes each header back as the type it arrived as.
   */
  static Object plain(Object v) {
    if (v instanceof LongString s) {
      return s.toString();
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(plain(o));
      }
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(String.valueOf(e.getKey()), plain(e.getValue()));
      }
      return out;
    }
    if (v instanceof Date d) {
      return d.toInstant();
    }
    return v;
  }
}
