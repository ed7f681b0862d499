package dev.warren.internal.tasks.celery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.InvalidInputException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.transport.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A task in Celery's message protocol 2, JSON serializer: the headers {@code lang}, {@code task},
 * {@code id}, {@code eta}, {@code expires}, {@code retries}, {@code timelimit}, {@code root_id},
 * {@code parent_id}, {@code group}…; the properties {@code correlation_id} (the task id) and {@code
 * reply_to}; the body {@code [args, kwargs, {"callbacks", "errbacks", "chain", "chord"}]}.
 *
 * @param id the task id
 * @param task the task name
 * @param args the positional arguments
 * @param kwargs the keyword arguments
 * @param embed callbacks, errbacks, chain (signatures, the next one last) and chord
 * @param eta when it is due, or {@code null}
 * @param expires after when it must not run, or {@code null}
 * @param retries how often it was retried
 * @param timeLimit hard time limit in seconds, or {@code null}
 * @param softTimeLimit soft time limit in seconds, or {@code null}
 * @param rootId the first task of its workflow
 * @param parentId the task that sent it, or {@code null}
 * @param group its group, or {@code null}
 * @param replyTo where the {@code rpc://} backend replies, or {@code null}
 * @param ignoreResult whether no result is to be stored
 */
public record CeleryMessage(
    String id,
    String task,
    ArrayNode args,
    ObjectNode kwargs,
    ObjectNode embed,
    Instant eta,
    Instant expires,
    int retries,
    Double timeLimit,
    Double softTimeLimit,
    String rootId,
    String parentId,
    String group,
    String replyTo,
    boolean ignoreResult) {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT);

  /**
   * @param message a message off a task queue
   * @return whether it claims to be a Celery protocol 2 task (headers {@code task} and {@code id})
   */
  public static boolean isCelery(Message message) {
    Map<String, Object> h = message.headers();
    return h.get("task") != null && h.get("id") != null;
  }

  /**
   * @param message a message for which {@link #isCelery} holds
   * @return the task it carries
   * @throws InvalidInputException naming what is wrong: a serializer other than JSON, a body that
   *     is not {@code [args, kwargs, embed]}, a bad ETA or expiry
   */
  public static CeleryMessage from(Message message) {
    Map<String, Object> h = message.headers();
    String id = text(h.get("id"));
    String type = message.contentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).contains("json")) {
      throw bad(
          id, "its content type is '" + type + "'; Warren reads Celery's JSON serializer only");
    }
    if (message.contentEncoding() != null
        && !message.contentEncoding().equalsIgnoreCase("utf-8")
        && !message.contentEncoding().equalsIgnoreCase("binary")) {
      throw bad(id, "its content encoding is '" + message.contentEncoding() + "', not utf-8");
    }
    JsonNode body;
    try {
      body = JsonDataCodec.MAPPER.readTree(message.body());
    } catch (IOException e) {
      throw bad(id, "its body is not JSON: " + e.getMessage());
    }
    if (body == null
        || !body.isArray()
        || body.size() != 3
        || !body.get(0).isArray()
        || !body.get(1).isObject()) {
      throw bad(id, "its body is not [args, kwargs, embed] (Celery message protocol 2)");
    }
    ObjectNode embed = body.get(2).isObject() ? (ObjectNode) body.get(2) : JSON.objectNode();
    Double hard = null;
    Double soft = null;
    if (h.get("timelimit") instanceof List<?> limits && limits.size() == 2) {
      hard = number(limits.get(0));
      soft = number(limits.get(1));
    }
    Double retries = number(h.get("retries"));
    String replyTo = message.replyTo();
    return new CeleryMessage(
        id,
        text(h.get("task")),
        (ArrayNode) body.get(0),
        (ObjectNode) body.get(1),
        embed,
        time(id, "eta", h.get("eta")),
        time(id, "expires", h.get("expires")),
        retries == null ? 0 : retries.intValue(),
        hard,
        soft,
        text(h.get("root_id")),
        text(h.get("parent_id")),
        text(h.get("group")),
        replyTo == null || replyTo.isBlank() ? null : replyTo,
        Boolean.TRUE.equals(h.get("ignore_result")));
  }

  /**
   * A new task message as Celery's {@code send_task} writes it.
   *
   * @param id the task id
   * @param task the task name
   * @param args positional arguments
   * @param kwargs keyword arguments
   * @param eta when it is due, or {@code null}
   * @param replyTo the reply queue, or {@code null}
   * @return the message
   */
  public static CeleryMessage create(
      String id, String task, ArrayNode args, ObjectNode kwargs, Instant eta, String replyTo) {
    ObjectNode embed = JSON.objectNode();
    embed.putNull("callbacks");
    embed.putNull("errbacks");
    embed.putNull("chain");
    embed.putNull("chord");
    return new CeleryMessage(
        id, task, args, kwargs, embed, eta, null, 0, null, null, id, null, null, replyTo, false);
  }

  /**
   * @param parent the task whose result this one continues
   * @param chain the rest of the chain after this task, or {@code null} for none
   * @param ignoreResult whether no result is to be stored
   * @return this task as the next step of {@code parent}'s workflow: same root, parent set
   */
  public CeleryMessage following(CeleryMessage parent, ArrayNode chain, boolean ignoreResult) {
    ObjectNode e = embed.deepCopy();
    if (chain != null && !chain.isEmpty()) {
      e.set("chain", chain);
    }
    return new CeleryMessage(
        id,
        task,
        args,
        kwargs,
        e,
        eta,
        expires,
        retries,
        timeLimit,
        softTimeLimit,
        parent.rootId() == null ? parent.id() : parent.rootId(),
        parent.id(),
        group,
        replyTo,
        ignoreResult);
  }

  /**
   * @return the arguments as a Warren handler reads them: {@code {"args":[…],"kwargs":{…}}}
   */
  public String argsJson() {
    ObjectNode node = JSON.objectNode();
    node.set("args", args);
    node.set("kwargs", kwargs);
    return node.toString();
  }

  /**
   * @param now the time now
   * @return whether its expiry passed
   */
  public boolean expired(Instant now) {
    return expires != null && now.isAfter(expires);
  }

  /**
   * @return the chain signatures still to run after this task, the next one last
   */
  public List<ObjectNode> chain() {
    return signatures(embed.get("chain"));
  }

  /**
   * @return the signatures to call with this task's result ({@code link})
   */
  public List<ObjectNode> callbacks() {
    return signatures(embed.get("callbacks"));
  }

  private static List<ObjectNode> signatures(JsonNode node) {
    List<ObjectNode> out = new ArrayList<>();
    if (node != null && node.isArray()) {
      for (JsonNode n : node) {
        if (n.isObject()) {
          out.add((ObjectNode) n);
        }
      }
    }
    return out;
  }

  /**
   * @return the message on the wire, persistent, as Celery writes it
   */
  public Message toMessage() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("lang", "py");
    h.put("task", task);
    h.put("id", id);
    h.put("shadow", null);
    h.put("eta", iso(eta));
    h.put("expires", iso(expires));
    h.put("group", group);
    h.put("group_index", null);
    h.put("retries", (long) retries);
    List<Object> limits = new ArrayList<>();
    limits.add(timeLimit);
    limits.add(softTimeLimit);
    h.put("timelimit", limits);
    h.put("root_id", rootId == null ? id : rootId);
    h.put("parent_id", parentId);
    h.put("argsrepr", args.toString());
    h.put("kwargsrepr", kwargs.toString());
    h.put("origin", "warren");
    h.put("ignore_result", ignoreResult);
    ArrayNode body = JSON.arrayNode();
    body.add(args);
    body.add(kwargs);
    body.add(embed);
    return new Message(
        id,
        null,
        "application/json",
        id,
        replyTo == null ? "" : replyTo,
        null,
        null,
        null,
        true,
        h,
        body.toString().getBytes(StandardCharsets.UTF_8),
        null,
        "utf-8",
        null);
  }

  /**
   * Python's {@code datetime.isoformat()} of an aware UTC time. why: Celery's ISO-8601 parser
   * accepts at most microseconds, and Java's own format may carry nanoseconds
   */
  static String iso(Instant t) {
    return t == null ? null : ISO.format(t.atOffset(ZoneOffset.UTC));
  }

  private static InvalidInputException bad(String id, String why) {
    return new InvalidInputException("Celery task " + id + " cannot be run by Warren: " + why);
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    String s = value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value.toString();
    return s.isEmpty() ? null : s;
  }

  private static Double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return null;
  }

  /** ISO-8601 with or without offset (Celery writes the app's timezone, UTC by default). */
  static Instant time(String id, String header, Object value) {
    String s = text(value);
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw bad(id, "its " + header + " '" + s + "' is not an ISO-8601 time");
      }
    }
  }
}
