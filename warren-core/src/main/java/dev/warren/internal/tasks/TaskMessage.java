package dev.warren.internal.tasks;

import dev.warren.InvalidInputException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.tasks.TaskOptions;
import dev.warren.transport.Message;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
    String limitKey) {

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
      String id, String name, String args, TaskOptions o, Instant now, Instant eta) {
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
        o.limitKey());
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
        limitKey);
  }

  Message toMessage() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(ID_HEADER, id);
    headers.put(NAME_HEADER, name);
    headers.put(ETA_HEADER, eta.toString());
    headers.put(RETRIES_HEADER, (long) retries);
    byte[] body;
    try {
      body = JsonDataCodec.MAPPER.writeValueAsBytes(this);
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
      m = JsonDataCodec.MAPPER.readValue(message.body(), TaskMessage.class);
    } catch (IOException e) {
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
