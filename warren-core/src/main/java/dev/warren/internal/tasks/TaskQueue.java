package dev.warren.internal.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Topics;
import dev.warren.Warren;
import dev.warren.WarrenClosedException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.tasks.limits.TaskLimiter;
import dev.warren.internal.topology.QueueDeclarer;
import dev.warren.spi.DataCodec;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Tasks} of one Warren instance: submits tasks (store first, then the broker), runs a
 * {@link TaskWorker} per task queue that has a registered handler, and follows tasks for their
 * handles' futures with one {@link TaskOutcomes} listener, started on first use.
 *
 * <p>Arguments, results and progress metadata are encoded with the instance's codec ({@link
 * WarrenOptions#codec()}, Warren's JSON codec by default), so an application's {@code ObjectMapper}
 * shapes them. Stores keep them as JSON text, so a codec that does not write JSON is not used for
 * tasks: they fall back to Warren's JSON codec.
 */
public final class TaskQueue implements Tasks, AutoCloseable {
  /** The detail of the failure a task is stored with when its submission was not published. */
  static final String NOT_PUBLISHED = "not published";

  private static final Logger log = LoggerFactory.getLogger(TaskQueue.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  /** How long a revoke is remembered at least, so late deliveries of the task are still skipped. */
  static final Duration REVOKE_KEEP = Duration.ofDays(7);

  /** How long a task revoked before it ran is kept, as nobody told us its result TTL. */
  static final Duration REVOKED_TTL = Duration.ofHours(24);

  private static final int MAX_STACK_CHARS = 4000;

  /**
   * The largest result (in characters of JSON) a terminal event carries; a larger one is left out
   * ({@value TaskOutcome#RESULT_IN_STORE}) and read from the store by whoever needs it. why: the
   * event fans out to every instance following tasks and every subscriber of {@code task.#}, while
   * the store holds the result once; results this size or smaller cost less in the event than a
   * store read per waiting instance.
   */
  static final int MAX_EVENT_RESULT_CHARS = 64 * 1024;

  private final Warren bus;
  private final Transport transport;
  private final WarrenOptions options;
  private final TaskStore store;
  private final TaskStoreBatches batches;
  private final ExecutorService publishing;
  private final boolean ownsStore;
  private final QueueDeclarer queues;
  private final DelayQueues waits;
  private final DataCodec codec;
  private final TaskLimiter limiter;
  private final TaskOutcomeSender outcomeSender;
  private final RevokeView revokes;
  private final Map<String, TaskHandler> handlers = new ConcurrentHashMap<>();
  private final Map<String, TaskWorker> workers = new ConcurrentHashMap<>();
  private final Set<String> declaredQueues = ConcurrentHashMap.newKeySet();
  private final CeleryTasks celery;
  private final Object outcomesLock = new Object();
  // why: volatile for the submissions' lock-free read once it exists; made under outcomesLock
  private volatile TaskOutcomes outcomes;
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
    // why: a map in this process gains nothing from batches, only a thread hop per write
    this.batches = new TaskStoreBatches(store, store instanceof InMemoryTaskStore);
    this.publishing =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "warren-task-submit");
              t.setDaemon(true);
              return t;
            });
    this.ownsStore = ownsStore;
    this.queues = QueueDeclarer.of(transport, options);
    this.waits = new DelayQueues(queues, options.clock());
    this.codec = taskCodec(options.codec());
    this.celery = new CeleryTasks(this, options.celery());

    this.limiter = new TaskLimiter(store, this::now);
    this.outcomeSender = new TaskOutcomeSender(transport, options.exchange());
    this.revokes = new RevokeView(store);
  }

  /** The instance's codec when it writes JSON (stores keep JSON text), else Warren's. */
  private static DataCodec taskCodec(DataCodec configured) {
    if (configured == null) {
      return JsonDataCodec.defaults();
    }
    String type = configured.contentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).contains("json")) {
      log.warn(
          "the codec {} writes {}, not JSON: task arguments and results use Warren's JSON codec",
          configured.getClass().getName(),
          type);
      return JsonDataCodec.defaults();
    }
    return configured;
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

  /**
   * @return the group-committed way to the store, for the workers
   */
  TaskStoreBatches batches() {
    return batches;
  }

  /**
   * @return how many tasks a worker runs at once
   */
  int concurrency() {
    return options.taskConcurrency();
  }

  /**
   * @return how many tasks a worker holds, running or next in line: its prefetch
   */
  int prefetch() {
    return options.taskPrefetch();
  }

  Transport transport() {
    return transport;
  }

  /**
   * @return the limits across all workers, for this instance's workers and Warren's own tools
   */
  public TaskLimiter limiter() {
    return limiter;
  }

  /**
   * @return the store's revokes as this process knows them, for the workers
   */
  RevokeView revokes() {
    return revokes;
  }

  DelayQueues waits() {
    return waits;
  }

  String worker() {
    return options.instanceId();
  }

  /** The options' clock: task countdowns, ETAs and retries are due on it. */
  Instant now() {
    return options.clock().instant();
  }

  Duration shutdownTimeout() {
    return options.shutdownTimeout();
  }

  /** Where tasks meet Celery's: Celery messages, results, routes, revokes. */
  CeleryTasks celery() {
    return celery;
  }

  TaskHandler handler(String name) {
    return handlers.get(name);
  }

  @Override
  public void register(String name, String queue, TaskHandler handler) {
    checkOpen();
    checkName(name);
    String q = checkQueue(queue);
    if (handler == null) {
      throw new InvalidInputException("task '" + name + "' has no handler");
    }
    if (handlers.putIfAbsent(name, handler) != null) {
      throw new InvalidInputException("task '" + name + "' is already registered");
    }
    declare(q);
    revokes.start();
    workers.computeIfAbsent(
        q,
        k -> {
          TaskWorker w = new TaskWorker(this, k);
          w.start();
          return w;
        });
    if (celery.isCeleryQueue(q)) {
      celery.workerStarted();
    }
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
    return submitAsync(UUID.randomUUID().toString(), name, args, taskOptions, false);
  }

  /**
   * How far the submission of a task under an id its caller chose got, for a caller that lost track
   * of it: an instance taking over the schedule firing another one claimed and did not finish.
   */
  public enum Submission {
    /** Never stored, or stored as not published: it reached no broker. */
    NONE,
    /** Stored and not yet run: it may or may not have reached the broker. */
    STORED,
    /** A worker had it: it reached the broker. */
    DELIVERED
  }

  /**
   * @param id a task id
   * @return how far its submission got, from the task store (a submission stores the task before it
   *     publishes it)
   */
  public Submission submission(String id) {
    checkId(id);
    TaskStatus s = store.get(id).orElse(null);
    if (s == null || s.state() == TaskState.FAILURE && notPublished(s)) {
      return Submission.NONE;
    }
    return s.state() == TaskState.PENDING || s.state() == TaskState.SCHEDULED
        ? Submission.STORED
        : Submission.DELIVERED;
  }

  private static boolean notPublished(TaskStatus s) {
    return !s.history().isEmpty()
        && NOT_PUBLISHED.equals(s.history().get(s.history().size() - 1).detail());
  }

  /**
   * Submits a task under an id of the caller's and waits for the broker's confirm, as {@link
   * #submit(String, Object, TaskOptions)} does.
   *
   * @param id the task id: the same one again only for a submission that may not have reached the
   *     broker (see {@link #submission(String)})
   * @param name the task name
   * @param args its arguments
   * @param taskOptions its options, or {@code null} for the defaults
   * @param again whether an earlier submission under this id was stored and may have been
   *     published: the status stored then is kept, and workers read it before they run the task, so
   *     they drop this copy when the first one finished
   * @return its handle
   */
  public TaskHandle<Object> submit(
      String id, String name, Object args, TaskOptions taskOptions, boolean again) {
    CompletableFuture<TaskHandle<Object>> sent = submitAsync(id, name, args, taskOptions, again);
    join(sent, options.publishTimeout().plusSeconds(5));
    return sent.join();
  }

  private CompletableFuture<TaskHandle<Object>> submitAsync(
      String id, String name, Object args, TaskOptions taskOptions, boolean again) {
    checkOpen();
    checkName(name);
    checkId(id);
    TaskOptions o = taskOptions == null ? TaskOptions.defaults() : taskOptions;
    String json = encode(args, "the arguments of task '" + name + "'");
    String celeryQueue = celery.routeOf(name);
    if (celeryQueue != null) {
      return celery.submit(id, name, json, o, celeryQueue);
    }
    declare(o.queue());
    Instant now = now();
    Instant eta = o.dueAt(now);
    boolean scheduled = DelayQueues.early(eta, now);
    // why: a copy names no submitter, so no worker takes it for a first delivery it may run
    // without reading the store (TaskWorker.asSubmitted)
    TaskMessage message = TaskMessage.of(id, name, json, o, now, eta, again ? null : worker());
    // why: from the message, as a worker rebuilds it on the task's first delivery (TaskWorker); a
    // copy stores nothing: a worker may be running the first one already
    TaskStatus status = again ? null : message.submitted();
    TaskOutcomes follower = follower();
    if (!scheduled && !again && follower.live()) {
      // why: awaited before it is published, so its handle's future needs no store read
      follower.expect(id);
    }
    // why: stored before it is published, so a worker never meets a task the store does not know;
    // concurrent submissions share one store write (group commit)
    CompletableFuture<Void> stored =
        status == null ? CompletableFuture.completedFuture(null) : batches.write(status);
    java.util.function.Function<Void, CompletableFuture<Void>> publish =
        v -> {
          try {
            return scheduled
                ? waits.park(o.queue(), message.toMessage(), eta)
                : transport.publish("", o.queue(), message.toMessage());
          } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
          }
        };
    // why: off the store writer's thread, which must not wait for the broker's confirm window
    CompletableFuture<Void> sent =
        stored.isDone()
            ? stored.thenCompose(publish)
            : stored.thenComposeAsync(publish, publishing);
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
          // why: a copy's failure is not the task's: the first submission may be running
          if (status != null) {
            Instant at = now();
            TaskStatus failed =
                status
                    .withOutcome(null, error(cause))
                    .to(TaskState.FAILURE, at, worker(), NOT_PUBLISHED)
                    .withExpiresAt(at.plus(o.resultTtl()));
            try {
              store.put(failed);
            } catch (RuntimeException e) {
              cause.addSuppressed(e);
            }
            follower.settle(TaskOutcome.of(failed));
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
    checkResultType(resultType);
    return new TaskHandleImpl<>(this, submit(name, args, taskOptions).id(), resultType);
  }

  @Override
  public <R> TaskHandle<R> task(String id, Class<R> resultType) {
    checkOpen();
    checkId(id);
    checkResultType(resultType);
    return new TaskHandleImpl<>(this, id, resultType);
  }

  @Override
  public TaskHandle<Object> task(String id) {
    return task(id, Object.class);
  }

  @Override
  public void limit(String name, dev.warren.tasks.TaskLimits limits) {
    checkOpen();
    checkName(name);
    limiter.declare(name, limits);
  }

  @Override
  public Map<String, dev.warren.tasks.TaskLimits> limits() {
    checkOpen();
    return limiter.limits();
  }

  @Override
  public String describeStore() {
    return store.describe();
  }

  /**
   * Follows a task until it is final, from its terminal event (see {@link TaskOutcomes}).
   *
   * @param id the task id
   * @return its outcome, shared by every caller for this task; failed with {@link
   *     WarrenClosedException} when this instance is closed
   */
  CompletableFuture<TaskOutcome> outcome(String id) {
    TaskOutcomes o;
    synchronized (outcomesLock) {
      if (closed) {
        return CompletableFuture.failedFuture(closedException("follow task " + id));
      }
      o = followerLocked();
    }
    return o.watch(id);
  }

  /**
   * @return the listener following tasks for this instance's handles, starting it on first use (at
   *     the first submission, so the handles of later ones find it listening)
   * @throws WarrenClosedException when this instance is closed
   */
  private TaskOutcomes follower() {
    TaskOutcomes o = outcomes;
    if (o != null) {
      return o;
    }
    synchronized (outcomesLock) {
      if (closed) {
        throw closedException("submit tasks");
      }
      return followerLocked();
    }
  }

  private TaskOutcomes followerLocked() {
    if (outcomes == null) {
      outcomes = new TaskOutcomes(this, transport, options.exchange(), worker());
      outcomes.start();
    }
    return outcomes;
  }

  /**
   * @return the listener, or {@code null} before the first future, for tests
   */
  TaskOutcomes outcomes() {
    synchronized (outcomesLock) {
      return outcomes;
    }
  }

  /** Records a revoke; tasks that are not running are marked revoked right away. */
  boolean revoke(String id) {
    checkOpen();
    Instant now = now();
    TaskStatus status = store.get(id).orElse(null);
    if (status != null && status.isFinal()) {
      return false;
    }
    Instant keep = now.plus(REVOKE_KEEP);
    if (status != null && status.eta() != null && status.eta().plus(REVOKE_KEEP).isAfter(keep)) {
      keep = status.eta().plus(REVOKE_KEEP);
    }
    store.revoke(id, now, keep);
    revokes.add(id, now);
    celery.revoked(id);
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
   * Tells of a task's change once it is in the store: a final status goes to the instances
   * following tasks ({@link TaskOutcomeSender}, batched), and with {@link
   * WarrenOptions#taskEvents()} on, the change is published as {@code task.<name>.<kind>} on the
   * bus; neither is waited for.
   *
   * @param kind started, progress, retrying, succeeded, failed or revoked
   * @param status the status after the change
   */
  void event(String kind, TaskStatus status) {
    if (status.isFinal()) {
      outcomeSender.send(status);
    }
    if (options.taskEvents()) {
      publishEvent(kind, status);
    }
  }

  /**
   * Sends a final status to the instances following tasks again (not as a task event): for a
   * duplicate delivery of a task whose first worker may have stored its outcome and died before
   * sending it. Followers that have it already ignore it.
   *
   * @param status a final status
   */
  void resend(TaskStatus status) {
    outcomeSender.send(status);
  }

  /** Publishes {@code task.<name>.<kind>} on the bus, without waiting for the confirm. */
  private void publishEvent(String kind, TaskStatus status) {
    String type = "task." + status.name() + "." + kind;
    try {
      // why: Warren's own JSON whatever the application's codec, so every instance can read the
      // outcome of a task (TaskOutcomes) without knowing how the publisher was configured
      bus.publish(Event.builder(type).jsonData(eventData(status).toString()).build())
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

  /**
   * The data of a {@code task.<name>.<kind>} event: id, name, queue, state, attempt, worker, at,
   * and when set progress, meta, result (or {@value TaskOutcome#RESULT_IN_STORE} when it is larger
   * than {@value #MAX_EVENT_RESULT_CHARS} characters), errorType and errorMessage.
   */
  static ObjectNode eventData(TaskStatus status) {
    ObjectNode data = JsonDataCodec.MAPPER.createObjectNode();
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
    if (status.result() != null && status.result().length() > MAX_EVENT_RESULT_CHARS) {
      data.put(TaskOutcome.RESULT_IN_STORE, true);
    } else {
      putJson(data, "result", status.result());
    }
    if (status.error() != null) {
      data.put("errorType", status.error().type());
      data.put("errorMessage", status.error().message());
    }
    return data;
  }

  private static void putJson(ObjectNode data, String key, String json) {
    if (json == null) {
      return;
    }
    try {
      data.set(key, JsonDataCodec.MAPPER.readTree(json));
    } catch (IOException e) {
      data.put(key, json);
    }
  }

  /**
   * @param queue a task queue
   * @return its dead-letter queue, where the broker puts tasks returned more often than the
   *     delivery limit
   */
  static String deadLetterQueue(String queue) {
    return queue + ".dlq";
  }

  /**
   * Declares a task queue (and, for a quorum one, its dead-letter queue first): a quorum queue that
   * dead-letters at least once to {@code <queue>.dlq} what was returned more often than the
   * delivery limit (a task that crashes its worker each time), or the classic queue without
   * arguments it was before.
   *
   * @param declarer the queue type policy and the transport
   * @param queue the task queue
   * @return the declaration in use
   */
  static QueueSpec declareTaskQueue(QueueDeclarer declarer, String queue) {
    QueueSpec classic = QueueSpec.durable(queue);
    if (TaskOptions.isPriorityQueue(queue)) {
      return declarePriorityQueue(declarer, classic);
    }
    if (!declarer.quorum()) {
      return declarer.declare(classic);
    }
    String dlq = deadLetterQueue(queue);
    declarer.declare(
        QueueSpec.durable(dlq).asQuorum(0),
        QueueSpec.durable(dlq),
        QueueSpec.durable(dlq).withArgument(QueueSpec.QUEUE_TYPE, "classic"));
    QueueSpec quorum =
        classic
            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, dlq)
            .asQuorum(declarer.deliveryLimit());
    return declarer.declare(quorum, classic, classic.withArgument(QueueSpec.QUEUE_TYPE, "classic"));
  }

  /**
   * Declares a priority task queue: classic (RabbitMQ 3.x quorum queues refuse {@code
   * x-max-priority}) with {@code x-max-priority} {@value TaskOptions#MAX_PRIORITY}. A queue of that
   * name that exists without the argument is used as it is, with one warning: the broker cannot add
   * it to an existing queue, so its tasks run in arrival order until it is drained and deleted.
   */
  private static QueueSpec declarePriorityQueue(QueueDeclarer declarer, QueueSpec classic) {
    QueueSpec priority =
        classic
            .withArgument(QueueSpec.QUEUE_TYPE, "classic")
            .withArgument(QueueSpec.MAX_PRIORITY, TaskOptions.MAX_PRIORITY);
    return declarer.declare(
        priority,
        classic.withArgument(QueueSpec.MAX_PRIORITY, TaskOptions.MAX_PRIORITY),
        classic,
        classic.withArgument(QueueSpec.QUEUE_TYPE, "classic"));
  }

  void declare(String queue) {
    if (celery.isCeleryQueue(queue)) {
      celery.declare(queue);
      return;
    }
    if (declaredQueues.add(queue)) {
      try {
        declareTaskQueue(queues, queue);
      } catch (RuntimeException e) {
        declaredQueues.remove(queue);
        throw e;
      }
    }
  }

  /**
   * @param value arguments, a result or progress metadata; {@code null} for none
   * @param what what it is, for the error message
   * @return its JSON text with this instance's codec, or {@code null}
   * @throws InvalidInputException when it cannot be encoded
   */
  String encode(Object value, String what) {
    if (value == null) {
      return null;
    }
    try {
      if (value instanceof byte[]) {
        // why: JSON codecs hand bytes over as they are; stores keep JSON, so bytes go as base64
        return JsonDataCodec.MAPPER.writeValueAsString(value);
      }
      return new String(codec.encode(value), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException("cannot encode " + what + " as JSON: " + reason(e), e);
    }
  }

  /**
   * @param json JSON text, or {@code null}
   * @param type what to read it as
   * @param what what it is, for the error message
   * @param <T> the type
   * @return the value, decoded with this instance's codec; {@code null} for {@code null}
   * @throws InvalidInputException when it cannot be read as that type
   */
  <T> T decode(String json, Class<T> type, String what) {
    if (json == null) {
      return null;
    }
    try {
      if (type == byte[].class) {
        return JsonDataCodec.MAPPER.readValue(json, type);
      }
      return codec.decode(json.getBytes(StandardCharsets.UTF_8), type);
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          "cannot read " + what + " as " + type.getSimpleName() + ": " + reason(e), e);
    }
  }

  /** The underlying reason, without the codec's own wording around it. */
  private static String reason(Exception e) {
    Throwable t = e instanceof InvalidInputException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
      return j.getOriginalMessage();
    }
    return String.valueOf(t.getMessage());
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
      throw new InvalidInputException(
          "task name '"
              + name
              + "' is invalid: use letters, digits, '-' and '_', in dot-separated words (at most"
              + " 100 characters)");
    }
  }

  private static String checkQueue(String queue) {
    return TaskOptions.builder().queue(queue).build().queue();
  }

  private static void checkId(String id) {
    if (id == null || id.isBlank()) {
      throw new InvalidInputException("a task id is required, not '" + id + "'");
    }
  }

  private static void checkResultType(Class<?> resultType) {
    if (resultType == null) {
      throw new InvalidInputException("a result type is required (Object.class for JSON values)");
    }
  }

  /**
   * @throws WarrenClosedException when this instance is closed
   */
  void checkOpen() {
    if (closed) {
      throw closedException("use its tasks");
    }
  }

  private static WarrenClosedException closedException(String what) {
    return new WarrenClosedException("this Warren instance is closed: cannot " + what);
  }

  /**
   * Stops the workers (running tasks get the shutdown timeout, then go back to their queue), then
   * fails the futures still pending with {@link WarrenClosedException}: the workers' last outcomes
   * can still complete them.
   */
  @Override
  public void close() {
    TaskOutcomes o;
    synchronized (outcomesLock) {
      if (closed) {
        return;
      }
      closed = true;
      o = outcomes;
    }
    for (TaskWorker w : List.copyOf(workers.values())) {
      w.close();
    }
    workers.clear();
    celery.close();

    limiter.close();
    revokes.close();
    // why: before the followers stop, so this instance's own last outcomes still reach its handles
    outcomeSender.close(options.shutdownTimeout());
    if (o != null) {
      o.close();
    }
    publishing.shutdown();
    batches.close();
    if (ownsStore) {
      store.close();
    }
  }
}
