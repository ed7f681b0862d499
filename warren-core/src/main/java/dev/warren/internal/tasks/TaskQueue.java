package dev.warren.internal.tasks;

import dev.warren.InvalidInputException;
import dev.warren.Topics;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.tasks.TaskError;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskHandler;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.Tasks;
import dev.warren.tasks.spi.TaskStore;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Tasks} of one Warren instance: submits tasks (store first, then the broker), and runs
 * a {@link TaskWorker} per task queue that has a registered handler.
 */
public final class TaskQueue implements Tasks, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskQueue.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  /** How long a revoke is remembered at least, so late deliveries of the task are still skipped. */
  static final Duration REVOKE_KEEP = Duration.ofDays(7);

  /** How long a task revoked before it ran is kept, as nobody told us its result TTL. */
  static final Duration REVOKED_TTL = Duration.ofHours(24);

  private static final int MAX_STACK_CHARS = 4000;

  private final Warren bus;
  private final Transport transport;
  private final WarrenOptions options;
  private final TaskStore store;
  private final boolean ownsStore;
  private final DelayQueues waits;
  private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
  private final Map<String, TaskWorker> workers = new ConcurrentHashMap<>();
  private final Set<String> declaredQueues = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param bus the instance events are published on
   * @param transport its transport
   * @param options its options
   * @param store where task state lives
   * @param ownsStore whether {@link #close()} closes the store
   */
  public TaskQueue(
      Warren bus, Transport transport, WarrenOptions options, TaskStore store, boolean ownsStore) {
    this.bus = bus;
    this.transport = transport;
    this.options = options;
    this.store = store;
    this.ownsStore = ownsStore;
    this.waits = new DelayQueues(transport);
  }

  /**
   * @param engine the instance
   * @return its task queue, with the store named by its options' {@code storeUrl}
   */
  public static TaskQueue create(dev.warren.internal.engine.WarrenEngine engine) {
    TaskStore store = TaskStores.open(engine.options());
    log.info("task store: {}", store.describe());
    return new TaskQueue(engine, engine.transport(), engine.options(), store, true);
  }

  /**
   * @return where task state lives, for Warren's own tools (the server's task endpoints)
   */
  public TaskStore store() {
    return store;
  }

  Transport transport() {
    return transport;
  }

  DelayQueues waits() {
    return waits;
  }

  String worker() {
    return options.instanceId();
  }

  Duration shutdownTimeout() {
    return options.shutdownTimeout();
  }

  TaskHandler handler(String name) {
    return handlers.get(name);
  }

  @Override
  public void register(String name, String queue, TaskHandler handler) {
    checkOpen();
    checkName(name);
    String q = TaskOptions.builder().queue(queue).build().queue();
    if (handler == null) {
      throw new IllegalArgumentException("task '" + name + "' has no handler");
    }
    if (handlers.putIfAbsent(name, handler) != null) {
      throw new IllegalArgumentException("task '" + name + "' is already registered");
    }
    declare(q);
    workers.computeIfAbsent(
        q,
        k -> {
          TaskWorker w = new TaskWorker(this, k);
          w.start();
          return w;
        });
  }

  @Override
  public TaskHandle<Object> submit(String name, Object args, TaskOptions taskOptions) {
    CompletableFuture<TaskHandle<Object>> sent = submitAsync(name, args, taskOptions);
    join(sent, options.publishTimeout().plusSeconds(5));
    return sent.join();
  }

  @Override
  public CompletableFuture<TaskHandle<Object>> submitAsync(
      String name, Object args, TaskOptions taskOptions) {
    checkOpen();
    checkName(name);
    TaskOptions o = taskOptions == null ? TaskOptions.defaults() : taskOptions;
    String json = encode(args, "the arguments of task '" + name + "'");
    String id = UUID.randomUUID().toString();
    Instant now = Instant.now();
    Instant eta = o.dueAt(now);
    boolean scheduled = DelayQueues.early(eta, now);
    TaskState state = scheduled ? TaskState.SCHEDULED : TaskState.PENDING;
    TaskStatus status =
        new TaskStatus(
                id, name, o.queue(), state, 0, null, null, null, null, eta, now, now, null,
                worker(), List.of())
            .to(state, now, worker(), scheduled ? "due " + eta : null);
    store.put(status);
    declare(o.queue());
    TaskMessage message = TaskMessage.of(id, name, json, o, now, eta);
    CompletableFuture<Void> sent;
    try {
      sent =
          scheduled
              ? waits.park(o.queue(), message.toMessage(), eta)
              : transport.publish("", o.queue(), message.toMessage());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    TaskHandle<Object> handle = new TaskHandleImpl<>(this, id, Object.class);
    return sent.handle(
        (ok, error) -> {
          if (error == null) {
            return handle;
          }
          Throwable cause =
              error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          Instant at = Instant.now();
          try {
            store.put(
                status
                    .withOutcome(null, error(cause))
                    .to(TaskState.FAILURE, at, worker(), "not published")
                    .withExpiresAt(at.plus(o.resultTtl())));
          } catch (RuntimeException e) {
            cause.addSuppressed(e);
          }
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          throw new WarrenException("could not submit task " + id + ": " + cause, cause);
        });
  }

  @Override
  public <R> TaskHandle<R> submit(
      String name, Object args, Class<R> resultType, TaskOptions taskOptions) {
    return task(submit(name, args, taskOptions).id(), resultType);
  }

  @Override
  public <R> TaskHandle<R> task(String id, Class<R> resultType) {
    return new TaskHandleImpl<>(this, id, resultType);
  }

  @Override
  public TaskHandle<Object> task(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a task id is required");
    }
    return new TaskHandleImpl<>(this, id, Object.class);
  }

  @Override
  public String describeStore() {
    return store.describe();
  }

  /** Records a revoke; tasks that are not running are marked revoked right away. */
  boolean revoke(String id) {
    Instant now = Instant.now();
    TaskStatus status = store.get(id).orElse(null);
    if (status != null && status.isFinal()) {
      return false;
    }
    Instant keep = now.plus(REVOKE_KEEP);
    if (status != null && status.eta() != null && status.eta().plus(REVOKE_KEEP).isAfter(keep)) {
      keep = status.eta().plus(REVOKE_KEEP);
    }
    store.revoke(id, now, keep);
    if (status != null
        && (status.state() == TaskState.PENDING
            || status.state() == TaskState.SCHEDULED
            || status.state() == TaskState.RETRY)) {
      // why: nobody runs it now, so nobody else would record the revoke until a worker sees the
      // message; a worker that starts it meanwhile sees the revoke within its poll interval
      TaskStatus revoked =
          status
              .to(TaskState.REVOKED, now, worker(), "revoked before start")
              .withExpiresAt(now.plus(REVOKED_TTL));
      store.put(revoked);
      event("revoked", revoked);
    }
    return true;
  }

  /**
   * Publishes {@code task.<name>.<kind>} on the bus, without waiting for the confirm.
   *
   * @param kind started, progress, retrying, succeeded, failed or revoked
   * @param status the status after the change
   */
  void event(String kind, TaskStatus status) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", status.id());
    data.put("name", status.name());
    data.put("queue", status.queue());
    data.put("state", status.state().name());
    data.put("attempt", status.attempt());
    data.put("worker", status.worker());
    data.put("at", status.updatedAt().toString());
    if (status.progress() != null) {
      data.put("progress", status.progress());
    }
    putJson(data, "meta", status.progressMeta());
    putJson(data, "result", status.result());
    if (status.error() != null) {
      data.put("errorType", status.error().type());
      data.put("errorMessage", status.error().message());
    }
    String type = "task." + status.name() + "." + kind;
    try {
      bus.publish(type, data)
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  log.warn("could not publish {} for task {}: {}", type, status.id(), e.toString());
                }
              });
    } catch (RuntimeException e) {
      log.warn("could not publish {} for task {}: {}", type, status.id(), e.toString());
    }
  }

  private static void putJson(Map<String, Object> data, String key, String json) {
    if (json == null) {
      return;
    }
    try {
      data.put(key, JsonDataCodec.MAPPER.readTree(json));
    } catch (IOException e) {
      data.put(key, json);
    }
  }

  void declare(String queue) {
    if (declaredQueues.add(queue)) {
      try {
        transport.declareQueue(QueueSpec.durable(queue));
      } catch (RuntimeException e) {
        declaredQueues.remove(queue);
        throw e;
      }
    }
  }

  static String encode(Object value, String what) {
    if (value == null) {
      return null;
    }
    try {
      return JsonDataCodec.MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new InvalidInputException("cannot encode " + what + " as JSON: " + e.getMessage(), e);
    }
  }

  static <T> T decode(String json, Class<T> type, String what) {
    if (json == null) {
      return null;
    }
    try {
      return JsonDataCodec.MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot read " + what + " as " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  static TaskError error(Throwable t) {
    String message = String.valueOf(t.getMessage());
    if (message.length() > 1000) {
      message = message.substring(0, 1000) + "…";
    }
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    String trace = w.toString();
    if (trace.length() > MAX_STACK_CHARS) {
      trace = trace.substring(0, MAX_STACK_CHARS) + "…";
    }
    return new TaskError(t.getClass().getName(), message, trace);
  }

  static void join(CompletableFuture<?> future, Duration timeout) {
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new WarrenException("publishing failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new dev.warren.BrokerUnavailableException(
          "the broker did not confirm within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WarrenException("interrupted while publishing", e);
    }
  }

  private static void checkName(String name) {
    if (name == null
        || name.length() > 100
        || !NAME.matcher(name).matches()
        || Topics.typeProblem("task." + name + ".started") != null) {
      throw new IllegalArgumentException(
          "task name '"
              + name
              + "' is invalid: use letters, digits, '-' and '_', in dot-separated words (at most"
              + " 100 characters)");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new WarrenException("this Warren instance is closed");
    }
  }

  /** Stops the workers (running tasks get the shutdown timeout, then go back to their queue). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (TaskWorker w : List.copyOf(workers.values())) {
      w.close();
    }
    workers.clear();
    if (ownsStore) {
      store.close();
    }
  }
}
