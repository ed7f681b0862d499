package dev.warren.internal.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.CeleryOptions;
import dev.warren.InvalidInputException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.tasks.celery.CeleryControl;
import dev.warren.internal.tasks.celery.CeleryMessage;
import dev.warren.internal.tasks.celery.CeleryResults;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link TaskQueue} meets Celery (see {@link CeleryOptions}): turns Celery messages into
 * Warren tasks for the {@link TaskWorker}, writes their outcomes to Celery's result backend and
 * sends the next step of their chain; sends tasks routed to Celery and follows them in the backend;
 * follows Celery's revokes. Everything Celery-specific on the wire is in {@code
 * internal.tasks.celery}; this class is the seam, so that the worker's hooks stay one line each.
 */
final class CeleryTasks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CeleryTasks.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** How often tasks sent to Celery are looked up in the result backend. */
  static final long FOLLOW_POLL_MS = 200;

  private final TaskQueue tasks;
  private final CeleryOptions options;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> followed = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private CeleryResults results;
  private CeleryControl control;
  private ScheduledExecutorService follower;

  CeleryTasks(TaskQueue tasks, CeleryOptions options) {
    this.tasks = tasks;
    this.options = options;
  }

  /**
   * @param queue a task queue
   * @return whether it carries Celery messages, and is declared as Celery declares it
   */
  boolean isCeleryQueue(String queue) {
    return options.isCeleryQueue(queue);
  }

  /**
   * @param taskName a task name
   * @return the Celery queue it is sent to, or {@code null} for a Warren task
   */
  String routeOf(String taskName) {
    return options.routeOf(taskName);
  }

  /**
   * Declares a queue as Celery's {@code Queue(name, Exchange(name, 'direct'), routing_key=name)}:
   * durable, classic, no arguments, bound to a durable direct exchange of the same name. why: a
   * Celery client or worker declares it the same way; any difference fails their declaration.
   */
  void declare(String queue) {
    if (declared.add(queue)) {
      try {
        tasks
            .transport()
            .declareExchange(new ExchangeSpec(queue, ExchangeSpec.ExchangeType.DIRECT, true));
        tasks.transport().declareQueue(QueueSpec.durable(queue));
        tasks.transport().bind(queue, queue, queue);
      } catch (RuntimeException e) {
        declared.remove(queue);
        throw e;
      }
    }
  }

  /** A worker consumes a Celery queue: follow Celery's revokes from now on. */
  void workerStarted() {
    if (!options.revokes()) {
      return;
    }
    synchronized (lock) {
      if (control == null) {
        control = CeleryControl.listen(tasks.transport(), tasks.worker(), tasks::revoke);
      }
    }
  }

  /**
   * @param message a message off a task queue
   * @return the Celery task it carries, or {@code null} when it is none
   * @throws InvalidInputException when it is a Celery task Warren cannot run (pickle, protocol 1)
   */
  CeleryMessage read(Message message) {
    return CeleryMessage.isCelery(message) ? CeleryMessage.from(message) : null;
  }

  /**
   * The Warren task a Celery message asks for. why: not retried after a failure, as a Celery task
   * without {@code autoretry_for}; its result is kept as long as Celery's {@code result_expires}.
   *
   * @param c the Celery message
   * @param queue the queue it came from
   * @return the task for the worker
   */
  TaskMessage toTask(CeleryMessage c, String queue) {
    Instant now = tasks.now();
    TaskOptions defaults = TaskOptions.defaults();
    return new TaskMessage(
        c.id(),
        c.task(),
        queue,
        c.argsJson(),
        c.eta() == null ? now : c.eta(),
        c.retries(),
        now,
        0,
        defaults.retryDelay().toMillis(),
        defaults.retryBackoff(),
        defaults.retryMaxDelay().toMillis(),
        millis(c.softTimeLimit()),
        millis(c.timeLimit()),
        options.resultExpires().toMillis(),
        defaults.revokeGrace().toMillis(),
        null, // why: a Celery message's priority stays the broker's business; Warren adds none
        null,
        null);
  }

  private static Long millis(Double seconds) {
    return seconds == null || seconds <= 0 ? null : (long) (seconds * 1000);
  }

  /**
   * A Celery task's state changed in Warren: write it where Celery reads it and, after a success,
   * send the next step of its chain and its callbacks. Returns once the backend has it.
   *
   * @param c the Celery message
   * @param status its new state
   */
  void changed(CeleryMessage c, TaskStatus status) {
    if (!c.ignoreResult()) {
      TaskQueue.join(results().store(status, c.replyTo()), Duration.ofSeconds(30));
    }
    if (status.state() == TaskState.FAILURE) {
      // why: as Celery's mark_as_failure, so that AsyncResult of the chain's last step raises too
      for (ObjectNode step : c.chain()) {
        JsonNode opts = step.path("options");
        String id = opts.path("task_id").asText(null);
        if (id != null && !opts.path("ignore_result").asBoolean(false)) {
          TaskQueue.join(
              results().store(id, status, opts.path("reply_to").asText(c.replyTo())),
              Duration.ofSeconds(30));
        }
      }
    }
    if (status.state() == TaskState.SUCCESS) {
      JsonNode result = json(status.result());
      List<ObjectNode> chain = c.chain();
      if (!chain.isEmpty()) {
        ArrayNode rest = JSON.arrayNode();
        chain.subList(0, chain.size() - 1).forEach(rest::add);
        send(chain.get(chain.size() - 1), result, rest, c);
      }
      for (ObjectNode callback : c.callbacks()) {
        send(callback, result, null, c);
      }
    }
  }

  /**
   * A Celery task started on a Warren worker: STARTED where Celery reads it (as with Celery's
   * {@code task_track_started}). why: only informative, so a backend that cannot be written now
   * does not hold the task up; its outcome is written (and retried) all the same.
   *
   * @param c the Celery message
   * @param status its STARTED state
   */
  void started(CeleryMessage c, TaskStatus status) {
    if (c.ignoreResult()) {
      return;
    }
    try {
      TaskQueue.join(results().store(status, c.replyTo()), Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      log.warn("could not write STARTED of Celery task {}: {}", c.id(), e.toString());
    }
  }

  /** Sends a signature as Celery's {@code signature.apply_async((result,), chain=rest)} does. */
  private void send(ObjectNode sig, JsonNode result, ArrayNode rest, CeleryMessage parent) {
    JsonNode opts = sig.path("options");
    ArrayNode args = JSON.arrayNode();
    if (!sig.path("immutable").asBoolean(false)) {
      args.add(result);
    }
    if (sig.path("args").isArray()) {
      args.addAll((ArrayNode) sig.path("args"));
    }
    ObjectNode kwargs =
        sig.path("kwargs").isObject() ? (ObjectNode) sig.path("kwargs") : JSON.objectNode();
    String id = opts.path("task_id").asText(null);
    String replyTo = opts.path("reply_to").asText(parent.replyTo());
    String name = sig.path("task").asText();
    CeleryMessage next =
        CeleryMessage.create(
                id == null ? UUID.randomUUID().toString() : id, name, args, kwargs, null, replyTo)
            .following(parent, rest, opts.path("ignore_result").asBoolean(false));
    String queue = queueOf(opts, name);
    declare(queue);
    TaskQueue.join(tasks.transport().publish("", queue, next.toMessage()), Duration.ofSeconds(30));
    log.info("task {} sent {} {} to {}", parent.id(), name, next.id(), queue);
  }

  /** The queue a signature names, else the route of its task name, else Celery's default. */
  private String queueOf(JsonNode opts, String name) {
    JsonNode q = opts.path("queue");
    if (q.isTextual() && !q.asText().isBlank()) {
      return q.asText();
    }
    if (q.isObject() && q.path("name").isTextual()) {
      return q.path("name").asText();
    }
    if (opts.path("routing_key").isTextual()) {
      return opts.path("routing_key").asText();
    }
    String route = routeOf(name);
    return route != null ? route : CeleryOptions.DEFAULT_QUEUE;
  }

  /**
   * Sends a task to Celery's workers on {@code queue} (protocol 2) and follows it in the result
   * backend, so that its handle completes as a Warren task's would.
   */
  CompletableFuture<TaskHandle<Object>> submit(
      String id, String name, String argsJson, TaskOptions o, String queue) {
    CeleryResults r = results();
    if (!r.readable()) {
      throw new InvalidInputException(
          "task '"
              + name
              + "' is routed to Celery, but its result backend "
              + options.resultBackend()
              + " cannot be read back: set a redis:// Celery result backend");
    }
    JsonNode args = json(argsJson);
    ArrayNode positional = JSON.arrayNode();
    ObjectNode keywords = JSON.objectNode();
    if (args.isArray()) {
      positional.addAll((ArrayNode) args);
    } else if (args.isObject()
        && args.size() <= 2
        && args.has("args")
        && args.path("args").isArray()) {
      positional.addAll((ArrayNode) args.get("args"));
      if (args.path("kwargs").isObject()) {
        keywords.setAll((ObjectNode) args.get("kwargs"));
      }
    } else if (args.isObject()) {
      keywords.setAll((ObjectNode) args);
    } else if (!args.isNull()) {
      positional.add(args);
    }
    Instant now = tasks.now();
    Instant eta = o.dueAt(now);
    boolean scheduled = DelayQueues.early(eta, now);
    TaskState state = scheduled ? TaskState.SCHEDULED : TaskState.PENDING;
    TaskStatus status =
        TaskMessage.firstStatus(
            id, name, queue, state, eta, now, now, tasks.worker(), "sent to Celery on " + queue);
    tasks.store().put(status);
    CeleryMessage c =
        CeleryMessage.create(id, name, positional, keywords, scheduled ? eta : null, null);
    declare(queue);
    followed.put(id, now.plus(options.resultExpires()));
    startFollowing();
    return tasks
        .transport()
        .publish("", queue, c.toMessage())
        .thenApply(ok -> (TaskHandle<Object>) new TaskHandleImpl<>(tasks, id, Object.class))
        .whenComplete(
            (h, e) -> {
              if (e != null) {
                followed.remove(id);
                Instant at = tasks.now();
                tasks
                    .store()
                    .put(
                        status
                            .withOutcome(null, TaskQueue.error(e))
                            .to(TaskState.FAILURE, at, tasks.worker(), TaskQueue.NOT_PUBLISHED)
                            .withExpiresAt(at.plus(o.resultTtl())));
              }
            });
  }

  private void startFollowing() {
    synchronized (lock) {
      if (follower == null) {
        follower =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "warren-celery-follower");
                  t.setDaemon(true);
                  return t;
                });
        follower.scheduleWithFixedDelay(
            this::follow, FOLLOW_POLL_MS, FOLLOW_POLL_MS, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Reads each followed task's meta; a final one ends in Warren's store and as a task event. */
  private void follow() {
    Instant now = tasks.now();
    for (Map.Entry<String, Instant> e : followed.entrySet()) {
      String id = e.getKey();
      try {
        if (now.isAfter(e.getValue())) {
          followed.remove(id);
          log.warn("gave up following Celery task {}: no outcome before its results expired", id);
          continue;
        }
        TaskStatus status = tasks.store().get(id).orElse(null);
        if (status == null || status.isFinal()) {
          // why: revoked here (the Celery worker was told), or forgotten by the store
          followed.remove(id);
          continue;
        }
        JsonNode meta = results().read(id).orElse(null);
        TaskState state = meta == null ? null : celeryState(meta);
        if (state == null || status.state() == state) {
          continue;
        }
        if (state == TaskState.STARTED) {
          TaskStatus started = status.to(TaskState.STARTED, now, "celery", null);
          tasks.store().put(started);
          tasks.event("started", started);
          continue;
        }
        if (!(state == TaskState.SUCCESS
            || state == TaskState.FAILURE
            || state == TaskState.REVOKED)) {
          continue;
        }
        TaskStatus done =
            (state == TaskState.SUCCESS
                    ? status.withOutcome(meta.path("result").toString(), null)
                    : status.withOutcome(null, errorOf(meta)))
                .to(state, now, "celery", null)
                .withExpiresAt(now.plus(options.resultExpires()));
        tasks.store().put(done);
        followed.remove(id);
        tasks.event(
            state == TaskState.SUCCESS
                ? "succeeded"
                : state == TaskState.FAILURE ? "failed" : "revoked",
            done);
      } catch (RuntimeException ex) {
        log.warn("following Celery task {}: {}", id, ex.toString());
      }
    }
  }

  /**
   * A task is revoked in Warren: when it was sent to Celery, tell Celery's workers as {@code
   * app.control.revoke(id)} does.
   *
   * @param id the task id
   */
  void revoked(String id) {
    if (followed.containsKey(id)) {
      TaskQueue.join(CeleryControl.revoke(tasks.transport(), id), Duration.ofSeconds(30));
      log.info("asked Celery's workers to revoke task {}", id);
    }
  }

  private static TaskState celeryState(JsonNode meta) {
    return CeleryResults.warrenState(meta);
  }

  private static dev.warren.tasks.TaskError errorOf(JsonNode meta) {
    return CeleryResults.error(meta);
  }

  private CeleryResults results() {
    synchronized (lock) {
      if (results == null) {
        results = CeleryResults.open(options, tasks.transport());
        log.info("Celery result backend: {}", results.describe());
      }
      return results;
    }
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return JSON.nullNode();
    }
    try {
      return JsonDataCodec.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new InvalidInputException("task data is not JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (follower != null) {
        follower.shutdownNow();
      }
      if (control != null) {
        control.close();
      }
      if (results != null) {
        results.close();
      }
    }
  }
}
