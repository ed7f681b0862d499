package dev.warren.internal.tasks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.warren.InvalidInputException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.envelope.InstantText;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.transport.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task on the wire: a persistent message, {@code type} {@value #TYPE}, {@code message_id} the
 * task id, a JSON body with everything a worker needs (so workers need no shared configuration),
 * and a few headers copied from the body for operators browsing a queue.
 *
 * <pre>{@code
 * {"id":"…","name":"thumbnail","queue":"warren.tasks.default","args":"{\"path\":\"a.png\"}",
 *  "eta":"2026-11-23T12:00:00Z","retries":0,"submittedAt":"…","maxRetries":3,
 *  "retryDelayMs":1000,"retryBackoff":2.0,"retryMaxDelayMs":600000,"softTimeLimitMs":null,
 *  "timeLimitMs":null,"resultTtlMs":86400000,"revokeGraceMs":5000}
 * }</pre>
 *
 * @param id the task id
 * @param name the task name
 * @param queue the task queue
 * @param args the arguments as JSON text, or {@code null}
 * @param eta when it is due; a worker receiving it earlier parks it in a wait queue again
 * @param retries how many retries after failures it has had
 * @param submittedAt when it was submitted
 * @param maxRetries see {@link TaskOptions#maxRetries()}
 * @param retryDelayMs see {@link TaskOptions#retryDelay()}
 * @param retryBackoff see {@link TaskOptions#retryBackoff()}
 * @param retryMaxDelayMs see {@link TaskOptions#retryMaxDelay()}
 * @param softTimeLimitMs see {@link TaskOptions#softTimeLimit()}, or {@code null}
 * @param timeLimitMs see {@link TaskOptions#timeLimit()}, or {@code null}
 * @param resultTtlMs see {@link TaskOptions#resultTtl()}
 * @param revokeGraceMs see {@link TaskOptions#revokeGrace()}
 * @param priority see {@link TaskOptions#priority()}; also the message's {@code priority} property;
 *     {@code null} (as from earlier versions) for 0
 * @param limitKey see {@link TaskOptions#limitKey()}, or {@code null}
 * @param submittedBy the instance id of the submitter, or {@code null} (from earlier versions and
 *     Celery): with it, a worker can tell the status the task was stored with at submission without
 *     reading it
 */
public record TaskMessage(
    String id,
    String name,
    String queue,
    String args,
    Instant eta,
    int retries,
    Instant submittedAt,
    int maxRetries,
    long retryDelayMs,
    double retryBackoff,
    long retryMaxDelayMs,
    Long softTimeLimitMs,
    Long timeLimitMs,
    long resultTtlMs,
    long revokeGraceMs,
    Integer priority,
    String limitKey,
    String submittedBy) {

  private static final JsonFactory JSON = JsonDataCodec.MAPPER.getFactory();

  /** The {@code type} property of task messages. */
  public static final String TYPE = "warren.task";

  /** Header: the task id. */
  public static final String ID_HEADER = "warren-task-id";

  /** Header: the task name. */
  public static final String NAME_HEADER = "warren-task-name";

  /** Header: the ETA, ISO-8601. */
  public static final String ETA_HEADER = "warren-task-eta";

  /** Header: retries so far. */
  public static final String RETRIES_HEADER = "warren-task-retries";

  static TaskMessage of(
      String id,
      String name,
      String args,
      TaskOptions o,
      Instant now,
      Instant eta,
      String submittedBy) {
    return new TaskMessage(
        id,
        name,
        o.queue(),
        args,
        eta,
        0,
        now,
        o.maxRetries(),
        o.retryDelay().toMillis(),
        o.retryBackoff(),
        o.retryMaxDelay().toMillis(),
        o.softTimeLimit() == null ? null : o.softTimeLimit().toMillis(),
        o.timeLimit() == null ? null : o.timeLimit().toMillis(),
        o.resultTtl().toMillis(),
        o.revokeGrace().toMillis(),
        o.priority() == 0 ? null : o.priority(),
        o.limitKey(),
        submittedBy);
  }

  /**
   * The status this task was stored with at submission: PENDING, or SCHEDULED with its due time
   * when its ETA was ahead of the submission, made by the submitter. The submitter stores it, and a
   * worker meeting the task on its first delivery rebuilds the same (see TaskWorker).
   *
   * @return the status, or {@code null} for a message that does not name its submitter (earlier
   *     versions, Celery)
   */
  TaskStatus submitted() {
    if (submittedBy == null) {
      return null;
    }
    boolean scheduled = DelayQueues.early(eta, submittedAt);
    return status(
        scheduled ? TaskState.SCHEDULED : TaskState.PENDING,
        submittedAt,
        submittedBy,
        scheduled ? "due " + eta : null);
  }

  /**
   * A first status of this task, with one transition.
   *
   * @param state PENDING or SCHEDULED
   * @param at when, also its {@code updatedAt}
   * @param by the instance making it
   * @param detail the transition's detail, or {@code null}
   * @return the status
   */
  TaskStatus status(TaskState state, Instant at, String by, String detail) {
    return firstStatus(id, name, queue, state, eta, submittedAt, at, by, detail);
  }

  /**
   * A first status of a task, before any worker had it, with one transition: what a submitter
   * stores, Warren's or the Celery bridge's.
   *
   * @param id the task id
   * @param name the task name
   * @param queue its queue
   * @param state PENDING or SCHEDULED
   * @param eta when it is due
   * @param submittedAt when it was submitted
   * @param at when this status was made, also its {@code updatedAt}
   * @param by the instance making it
   * @param detail the transition's detail, or {@code null}
   * @return the status
   */
  static TaskStatus firstStatus(
      String id,
      String name,
      String queue,
      TaskState state,
      Instant eta,
      Instant submittedAt,
      Instant at,
      String by,
      String detail) {
    return new TaskStatus(
            id,
            name,
            queue,
            state,
            0,
            null,
            null,
            null,
            null,
            eta,
            submittedAt,
            at,
            null,
            by,
            List.of())
        .to(state, at, by, detail);
  }

  /**
   * @return the options this task was submitted with
   */
  TaskOptions options() {
    TaskOptions.Builder b =
        TaskOptions.builder()
            .queue(queue)
            .maxRetries(maxRetries)
            .retryDelay(Duration.ofMillis(retryDelayMs))
            .retryBackoff(retryBackoff)
            .retryMaxDelay(Duration.ofMillis(retryMaxDelayMs))
            .resultTtl(Duration.ofMillis(resultTtlMs))
            .revokeGrace(Duration.ofMillis(revokeGraceMs))
            .priority(priority == null ? 0 : priority)
            .limitKey(limitKey);
    if (softTimeLimitMs != null) {
      b.softTimeLimit(Duration.ofMillis(softTimeLimitMs));
    }
    if (timeLimitMs != null) {
      b.timeLimit(Duration.ofMillis(timeLimitMs));
    }
    return b.build();
  }

  /**
   * @param eta the new due time
   * @return a copy for the next retry
   */
  TaskMessage retry(Instant eta) {
    return new TaskMessage(
        id,
        name,
        queue,
        args,
        eta,
        retries + 1,
        submittedAt,
        maxRetries,
        retryDelayMs,
        retryBackoff,
        retryMaxDelayMs,
        softTimeLimitMs,
        timeLimitMs,
        resultTtlMs,
        revokeGraceMs,
        priority,
        limitKey,
        submittedBy);
  }

  Message toMessage() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(ID_HEADER, id);
    headers.put(NAME_HEADER, name);
    String etaText = InstantText.format(eta);
    headers.put(ETA_HEADER, etaText);
    headers.put(RETRIES_HEADER, (long) retries);
    byte[] body;
    try {
      body = encode(etaText);
    } catch (IOException e) {
      throw new InvalidInputException("cannot encode task " + id + ": " + e.getMessage(), e);
    }
    return new Message(
        id,
        TYPE,
        "application/json",
        null,
        null,
        "warren",
        submittedAt,
        null,
        true,
        headers,
        body,
        null,
        null,
        priority);
  }

  /**
   * @param message a message from a task queue
   * @return the task it carries
   * @throws InvalidInputException naming what is wrong when it is no Warren task: a body that is
   *     not a task's JSON, or one without an id, a name, a queue, an ETA or a submission time, or
   *     with options a task cannot have
   */
  static TaskMessage from(Message message) {
    TaskMessage m;
    try {
      m = decode(message.body());
    } catch (IOException | RuntimeException e) {
      throw notATask(message, e.getMessage(), e);
    }
    // why: the mapper ignores unknown fields, so any JSON object reads as a task with nulls
    if (m == null) {
      throw notATask(message, "its body is JSON null", null);
    }
    String missing =
        blank(m.id)
            ? "id"
            : blank(m.name)
                ? "name"
                : blank(m.queue)
                    ? "queue"
                    : m.eta == null ? "eta" : m.submittedAt == null ? "submittedAt" : null;
    if (missing != null) {
      throw notATask(message, "its body has no '" + missing + "'", null);
    }
    try {
      m.options();
    } catch (RuntimeException e) {
      throw notATask(message, e.getMessage(), e);
    }
    return m;
  }

  /**
   * The body, written field by field. why: the object mapper's record serializer was, with its
   * reader, the largest cost per task of the submitter and the worker; the text is the same.
   */
  private byte[] encode(String etaText) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(384 + (args == null ? 0 : args.length()));
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeStringField("name", name);
      g.writeStringField("queue", queue);
      g.writeStringField("args", args);
      g.writeStringField("eta", etaText);
      g.writeNumberField("retries", retries);
      g.writeStringField(
          "submittedAt", submittedAt == eta ? etaText : InstantText.format(submittedAt));
      g.writeNumberField("maxRetries", maxRetries);
      g.writeNumberField("retryDelayMs", retryDelayMs);
      g.writeNumberField("retryBackoff", retryBackoff);
      g.writeNumberField("retryMaxDelayMs", retryMaxDelayMs);
      writeLong(g, "softTimeLimitMs", softTimeLimitMs);
      writeLong(g, "timeLimitMs", timeLimitMs);
      g.writeNumberField("resultTtlMs", resultTtlMs);
      g.writeNumberField("revokeGraceMs", revokeGraceMs);
      if (priority == null) {
        g.writeNullField("priority");
      } else {
        g.writeNumberField("priority", priority);
      }
      g.writeStringField("limitKey", limitKey);
      g.writeStringField("submittedBy", submittedBy);
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private static void writeLong(JsonGenerator g, String field, Long value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, value);
    }
  }

  /**
   * Reads a body field by field, as leniently as the object mapper did: unknown fields are skipped,
   * numbers may come as strings, a missing number is 0 (its check in {@link #from} and {@link
   * #options()} names it when 0 is not allowed).
   */
  private static TaskMessage decode(byte[] body) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.VALUE_NULL) {
        return null;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new IOException("its body is not a JSON object but " + first);
      }
      String id = null;
      String name = null;
      String queue = null;
      String args = null;
      Instant eta = null;
      int retries = 0;
      Instant submittedAt = null;
      int maxRetries = 0;
      long retryDelayMs = 0;
      double retryBackoff = 0;
      long retryMaxDelayMs = 0;
      Long softTimeLimitMs = null;
      Long timeLimitMs = null;
      long resultTtlMs = 0;
      long revokeGraceMs = 0;
      Integer priority = null;
      String limitKey = null;
      String submittedBy = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        boolean isNull = t == JsonToken.VALUE_NULL;
        switch (field) {
          case "id" -> id = text(p, field);
          case "name" -> name = text(p, field);
          case "queue" -> queue = text(p, field);
          case "args" -> args = text(p, field);
          case "eta" -> eta = isNull ? null : instant(p, field);
          case "retries" -> retries = (int) number(p, field);
          case "submittedAt" -> submittedAt = isNull ? null : instant(p, field);
          case "maxRetries" -> maxRetries = (int) number(p, field);
          case "retryDelayMs" -> retryDelayMs = number(p, field);
          case "retryBackoff" -> retryBackoff = isNull ? 0 : decimal(p, field);
          case "retryMaxDelayMs" -> retryMaxDelayMs = number(p, field);
          case "softTimeLimitMs" -> softTimeLimitMs = isNull ? null : number(p, field);
          case "timeLimitMs" -> timeLimitMs = isNull ? null : number(p, field);
          case "resultTtlMs" -> resultTtlMs = number(p, field);
          case "revokeGraceMs" -> revokeGraceMs = number(p, field);
          case "priority" -> priority = isNull ? null : (int) number(p, field);
          case "limitKey" -> limitKey = text(p, field);
          case "submittedBy" -> submittedBy = text(p, field);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("its body is not a complete JSON object");
      }
      return new TaskMessage(
          id,
          name,
          queue,
          args,
          eta,
          retries,
          submittedAt,
          maxRetries,
          retryDelayMs,
          retryBackoff,
          retryMaxDelayMs,
          softTimeLimitMs,
          timeLimitMs,
          resultTtlMs,
          revokeGraceMs,
          priority,
          limitKey,
          submittedBy);
    }
  }

  private static String text(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t.isScalarValue()) {
      return p.getText();
    }
    throw new IOException("'" + field + "' is not a string but " + t);
  }

  private static Instant instant(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new IOException("'" + field + "' is not an ISO-8601 time but " + p.getText());
    }
    String text = p.getText();
    try {
      return InstantText.parseAny(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IOException("'" + field + "' is not an ISO-8601 time: '" + text + "'", e);
    }
  }

  private static long number(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getText().trim());
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw new IOException("'" + field + "' is not a whole number but " + p.getText());
  }

  private static double decimal(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Double.parseDouble(p.getText().trim());
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw new IOException("'" + field + "' is not a number but " + p.getText());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static InvalidInputException notATask(Message message, String why, Throwable cause) {
    return new InvalidInputException(
        (message.messageId() != null
                ? "message " + message.messageId()
                : "a message without message_id")
            + " is not a Warren task: "
            + why,
        cause);
  }
}
