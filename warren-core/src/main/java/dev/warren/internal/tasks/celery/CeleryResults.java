package dev.warren.internal.tasks.celery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.CeleryOptions;
import dev.warren.InvalidInputException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.tasks.TaskError;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.CeleryResultBackend;
import dev.warren.tasks.spi.CeleryResultBackendProvider;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;

/**
 * Celery's result backend as Warren writes and reads it: the meta document {@code {"status",
 * "result", "traceback", "children", "date_done", "task_id"}} in Redis ({@link CeleryResultBackend}
 * from warren-redis) or as a reply to the task's {@code reply_to} queue ({@code rpc://}, with the
 * task id as {@code correlation_id}). A failure's result is Celery's exception document {@code
 * {"exc_type", "exc_message", "exc_module"}}, which {@code AsyncResult.get()} raises in Python.
 */
public final class CeleryResults implements AutoCloseable {
  private final Transport transport;
  private final CeleryResultBackend backend;
  private final Duration expires;

  private CeleryResults(Transport transport, CeleryResultBackend backend, Duration expires) {
    this.transport = transport;
    this.backend = backend;
    this.expires = expires;
  }

  /**
   * @param options the Celery options
   * @param transport where {@code rpc://} replies go
   * @return the results, connected to the backend
   * @throws TaskStoreException when no provider opens the backend URL, or it cannot be reached
   */
  public static CeleryResults open(CeleryOptions options, Transport transport) {
    String url = options.resultBackend();
    if (url.equals("rpc://")) {
      return new CeleryResults(transport, null, options.resultExpires());
    }
    for (CeleryResultBackendProvider p :
        ServiceLoader.load(
            CeleryResultBackendProvider.class, CeleryResults.class.getClassLoader())) {
      if (p.supports(url)) {
        return new CeleryResults(transport, p.open(url), options.resultExpires());
      }
    }
    throw new TaskStoreException(
        "no Celery result backend for '"
            + url.replaceAll("//[^@/]*@", "//***@")
            + "': add warren-redis for redis://, or use rpc://");
  }

  /**
   * @return whether outcomes can be read back (not with {@code rpc://}, whose replies go to the
   *     sender)
   */
  public boolean readable() {
    return backend != null;
  }

  /**
   * @return the backend, for logs
   */
  public String describe() {
    return backend == null ? "celery rpc://" : backend.describe();
  }

  /**
   * Writes a task's state where Celery reads it.
   *
   * @param status the task's state in Warren
   * @param replyTo the task's reply queue, for {@code rpc://}; {@code null} for none
   * @return when it is written (for {@code rpc://}, confirmed by the broker)
   */
  public CompletableFuture<Void> store(TaskStatus status, String replyTo) {
    return store(status.id(), status, replyTo);
  }

  /**
   * Writes a task's state under another task's id: Celery fails the rest of a chain with the
   * failure of the step that failed, so that whoever waits for its last step learns of it.
   *
   * @param taskId the id to write it under
   * @param status the state
   * @param replyTo that task's reply queue, for {@code rpc://}; {@code null} for none
   * @return when it is written
   */
  public CompletableFuture<Void> store(String taskId, TaskStatus status, String replyTo) {
    ObjectNode meta = meta(status);
    meta.put("task_id", taskId);
    if (backend != null) {
      try {
        backend.store(taskId, meta.toString(), expires);
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    if (replyTo == null) {
      return CompletableFuture.completedFuture(null);
    }
    // why: Celery's rpc backend replies through the default exchange straight to the client's
    // queue, correlation id = task id; the client ignores replies to other tasks
    Message reply =
        new Message(
            null,
            null,
            "application/json",
            taskId,
            null,
            null,
            null,
            null,
            true,
            Map.of(),
            meta.toString().getBytes(StandardCharsets.UTF_8),
            null,
            "utf-8",
            null);
    return transport.publish("", replyTo, reply);
  }

  /**
   * @param taskId a task id
   * @return its meta document, or empty when the backend has none (Celery's PENDING)
   * @throws InvalidInputException with {@code rpc://}, which cannot be read back
   */
  public Optional<JsonNode> read(String taskId) {
    if (backend == null) {
      throw new InvalidInputException(
          "Celery task "
              + taskId
              + " cannot be followed with the rpc:// result backend: set a redis:// one");
    }
    Optional<String> json = backend.read(taskId);
    if (json.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JsonDataCodec.MAPPER.readTree(json.get()));
    } catch (IOException e) {
      throw new TaskStoreException(
          "the Celery result of task " + taskId + " is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * @param status a Warren task state
   * @return its Celery meta document
   */
  static ObjectNode meta(TaskStatus status) {
    ObjectNode meta = JsonDataCodec.MAPPER.createObjectNode();
    String state = celeryState(status.state());
    meta.put("status", state);
    TaskError error = status.error();
    if (status.state() == TaskState.REVOKED) {
      meta.set("result", exception("TaskRevokedError", "celery.exceptions", "revoked"));
      meta.putNull("traceback");
    } else if (error != null
        && (status.state() == TaskState.FAILURE || status.state() == TaskState.RETRY)) {
      String type = error.type();
      meta.set(
          "result", exception(type.substring(type.lastIndexOf('.') + 1), null, error.message()));
      meta.put("traceback", error.trace());
    } else {
      meta.set("result", json(status.result()));
      meta.putNull("traceback");
    }
    meta.putArray("children");
    if (status.isFinal()) {
      meta.put("date_done", LocalDateTime.ofInstant(status.updatedAt(), ZoneOffset.UTC).toString());
    } else {
      meta.putNull("date_done");
    }
    meta.put("task_id", status.id());
    return meta;
  }

  /**
   * @param meta a Celery meta document
   * @return the Warren state it says, or {@code null} for Celery's PENDING and unknown states
   */
  public static TaskState warrenState(JsonNode meta) {
    return switch (meta.path("status").asText()) {
      case "SUCCESS" -> TaskState.SUCCESS;
      case "FAILURE" -> TaskState.FAILURE;
      case "REVOKED" -> TaskState.REVOKED;
      case "STARTED" -> TaskState.STARTED;
      case "RETRY" -> TaskState.RETRY;
      default -> null;
    };
  }

  /**
   * @param meta a FAILURE or REVOKED meta document
   * @return its exception as a Warren task error
   */
  public static TaskError error(JsonNode meta) {
    JsonNode r = meta.path("result");
    String module = r.path("exc_module").isTextual() ? r.path("exc_module").asText() + "." : "";
    String type = module + r.path("exc_type").asText("Exception");
    JsonNode msg = r.path("exc_message");
    String message;
    if (msg.isArray()) {
      StringBuilder b = new StringBuilder();
      for (JsonNode m : msg) {
        b.append(b.isEmpty() ? "" : ", ").append(m.isTextual() ? m.asText() : m.toString());
      }
      message = b.toString();
    } else {
      message = msg.isTextual() ? msg.asText() : msg.toString();
    }
    String trace = meta.path("traceback").isTextual() ? meta.path("traceback").asText() : null;
    return new TaskError(type, message, trace);
  }

  private static String celeryState(TaskState state) {
    return switch (state) {
      case PENDING, SCHEDULED -> "PENDING";
      case STARTED, PROGRESS -> "STARTED";
      case RETRY -> "RETRY";
      case SUCCESS -> "SUCCESS";
      case FAILURE -> "FAILURE";
      case REVOKED -> "REVOKED";
    };
  }

  private static ObjectNode exception(String type, String module, String message) {
    ObjectNode e = JsonDataCodec.MAPPER.createObjectNode();
    e.put("exc_type", type);
    ArrayNode args = e.putArray("exc_message");
    args.add(message);
    if (module == null) {
      // why: with no module Celery makes an exception class of that name on the Python side
      e.putNull("exc_module");
    } else {
      e.put("exc_module", module);
    }
    return e;
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return JsonDataCodec.MAPPER.nullNode();
    }
    try {
      return JsonDataCodec.MAPPER.readTree(text);
    } catch (IOException e) {
      return JsonDataCodec.MAPPER.getNodeFactory().textNode(text);
    }
  }

  @Override
  public void close() {
    if (backend != null) {
      backend.close();
    }
  }
}
