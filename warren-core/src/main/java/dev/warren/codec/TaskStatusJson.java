package dev.warren.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.warren.internal.envelope.InstantText;
import dev.warren.tasks.TaskError;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.TaskTransition;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TaskStatus} as one JSON document, for task stores that keep documents (PostgreSQL,
 * Redis) and tools that print statuses.
 *
 * <p>Always Warren's own JSON, never the application's codec: a status is Warren's record, and it
 * must read back the same in every process and tool, whichever codec their options name. (The
 * task's arguments and result inside it are already encoded text.)
 *
 * <p>Written and read field by field with Jackson's streaming API, in the form the object mapper
 * ({@link JsonDataCodec#MAPPER}) gives a status record, which reads it too. why: stores write a
 * status two or three times per task and read it once or twice, and the mapper's record binding
 * (with its date formatter) was the largest cost per task of a worker on a durable store.
 *
 * <pre>{@code
 * String json = TaskStatusJson.write(status);
 * TaskStatus same = TaskStatusJson.read(json);
 * }</pre>
 */
public final class TaskStatusJson {
  private static final JsonFactory JSON = JsonDataCodec.MAPPER.getFactory();

  private TaskStatusJson() {}

  /**
   * @param status the status
   * @return its JSON
   * @throws TaskStoreException when it cannot be encoded
   */
  public static String write(TaskStatus status) {
    StringWriter out = new StringWriter(512 + 96 * status.history().size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", status.id());
      g.writeStringField("name", status.name());
      g.writeStringField("queue", status.queue());
      g.writeStringField("state", status.state() == null ? null : status.state().name());
      g.writeNumberField("attempt", status.attempt());
      if (status.progress() == null) {
        g.writeNullField("progress");
      } else {
        g.writeNumberField("progress", status.progress());
      }
      g.writeStringField("progressMeta", status.progressMeta());
      g.writeStringField("result", status.result());
      TaskError error = status.error();
      if (error == null) {
        g.writeNullField("error");
      } else {
        g.writeObjectFieldStart("error");
        g.writeStringField("type", error.type());
        g.writeStringField("message", error.message());
        g.writeStringField("trace", error.trace());
        g.writeEndObject();
      }
      instant(g, "eta", status.eta());
      instant(g, "submittedAt", status.submittedAt());
      instant(g, "updatedAt", status.updatedAt());
      instant(g, "expiresAt", status.expiresAt());
      g.writeStringField("worker", status.worker());
      g.writeArrayFieldStart("history");
      for (TaskTransition t : status.history()) {
        g.writeStartObject();
        g.writeStringField("state", t.state() == null ? null : t.state().name());
        instant(g, "at", t.at());
        g.writeStringField("worker", t.worker());
        g.writeNumberField("attempt", t.attempt());
        g.writeStringField("detail", t.detail());
        g.writeEndObject();
      }
      g.writeEndArray();
      // why: derived, and ignored on reading, but kept for whoever queries the stored documents
      g.writeBooleanField("final", status.state() != null && status.isFinal());
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw new TaskStoreException("cannot encode the status of task " + status.id(), e);
    }
    return out.toString();
  }

  private static void instant(JsonGenerator g, String field, Instant value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, InstantText.format(value));
    }
  }

  /**
   * @param json JSON written by {@link #write} (or by the object mapper, as earlier versions did)
   * @return the status
   * @throws TaskStoreException when the JSON is not a task status
   */
  public static TaskStatus read(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      TaskStatus s = status(p);
      if (s == null) {
        throw new TaskStoreException("cannot decode a stored task status: it is JSON null");
      }
      return s;
    } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
      throw new TaskStoreException("cannot decode a stored task status: " + e.getMessage(), e);
    }
  }

  private static TaskStatus status(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, first, JsonToken.START_OBJECT, "a task status");
    String id = null;
    String name = null;
    String queue = null;
    TaskState state = null;
    int attempt = 0;
    Double progress = null;
    String progressMeta = null;
    String result = null;
    TaskError error = null;
    Instant eta = null;
    Instant submittedAt = null;
    Instant updatedAt = null;
    Instant expiresAt = null;
    String worker = null;
    List<TaskTransition> history = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "id" -> id = text(p, field);
        case "name" -> name = text(p, field);
        case "queue" -> queue = text(p, field);
        case "state" -> state = state(p, field);
        case "attempt" -> attempt = t == JsonToken.VALUE_NULL ? 0 : p.getValueAsInt();
        case "progress" -> progress = t == JsonToken.VALUE_NULL ? null : p.getValueAsDouble();
        case "progressMeta" -> progressMeta = text(p, field);
        case "result" -> result = text(p, field);
        case "error" -> error = error(p);
        case "eta" -> eta = instant(p, field);
        case "submittedAt" -> submittedAt = instant(p, field);
        case "updatedAt" -> updatedAt = instant(p, field);
        case "expiresAt" -> expiresAt = instant(p, field);
        case "worker" -> worker = text(p, field);
        case "history" -> history = history(p);
        default -> p.skipChildren();
      }
    }
    expect(p, p.currentToken(), JsonToken.END_OBJECT, "a complete task status");
    return new TaskStatus(
        id,
        name,
        queue,
        state,
        attempt,
        progress,
        progressMeta,
        result,
        error,
        eta,
        submittedAt,
        updatedAt,
        expiresAt,
        worker,
        history);
  }

  private static TaskError error(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, p.currentToken(), JsonToken.START_OBJECT, "an error");
    String type = null;
    String message = null;
    String trace = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "type" -> type = text(p, field);
        case "message" -> message = text(p, field);
        case "trace" -> trace = text(p, field);
        default -> p.skipChildren();
      }
    }
    return new TaskError(type, message, trace);
  }

  private static List<TaskTransition> history(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return List.of();
    }
    expect(p, p.currentToken(), JsonToken.START_ARRAY, "a history");
    List<TaskTransition> history = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      TaskState state = null;
      Instant at = null;
      String worker = null;
      int attempt = 0;
      String detail = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "state" -> state = state(p, field);
          case "at" -> at = instant(p, field);
          case "worker" -> worker = text(p, field);
          case "attempt" -> attempt = t == JsonToken.VALUE_NULL ? 0 : p.getValueAsInt();
          case "detail" -> detail = text(p, field);
          default -> p.skipChildren();
        }
      }
      history.add(new TaskTransition(state, at, worker, attempt, detail));
    }
    expect(p, p.currentToken(), JsonToken.END_ARRAY, "the end of a history");
    return history;
  }

  private static String text(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (!t.isScalarValue()) {
      throw new IOException("'" + field + "' is not a string but " + t);
    }
    return p.getText();
  }

  private static TaskState state(JsonParser p, String field) throws IOException {
    String s = text(p, field);
    return s == null ? null : TaskState.valueOf(s);
  }

  private static Instant instant(JsonParser p, String field) throws IOException {
    String s = text(p, field);
    return s == null ? null : InstantText.parseAny(s);
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken wanted, String what)
      throws IOException {
    if (actual != wanted) {
      throw new IOException(
          "expected " + what + " but found " + actual + " at " + p.currentLocation());
    }
  }
}
