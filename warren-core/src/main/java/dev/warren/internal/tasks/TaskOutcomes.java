package dev.warren.internal.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.WarrenClosedException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the futures of one instance's task handles from the tasks' outcomes as workers send
 * them ({@link TaskOutcomeSender}: batches on the fanout exchange {@code
 * <exchange>.task-outcomes}), never by polling the store.
 *
 * <p>One listener per {@link TaskQueue}, started by the first {@link #watch} (or submission): a
 * private queue {@code warren.task-outcomes.<instance>.<random>} bound to that exchange, consumed
 * by this process only, and deleted on {@link #close()}. Pending futures are kept by task id, so
 * any number of handles cost one queue and one consumer; outcomes of tasks nobody here waits for
 * are dropped.
 *
 * <p>A future whose outcome does not come (its worker died between acknowledging the task and
 * sending the outcome, or the broker lost this listener's queue) completes from the store: after
 * {@link #RECHECK_FIRST} without its outcome, it is read again with a growing interval.
 *
 * <p>The race with a task that ends before anyone listens is closed by order: a watch is recorded,
 * then the queue is bound (once), then the store is read once (batched with other reads). A task
 * that ended before the binding was final in the store before its outcome was sent (workers write
 * the store first), so the read sees it; a task that ends after the binding completes the watch
 * through its outcome.
 *
 * <p>why a queue that expires rather than an exclusive or auto-delete one: those disappear with the
 * connection, and the outcomes sent while it is down with them, so a future would wait forever.
 * This queue outlives a reconnect by {@link #QUEUE_EXPIRY} and is redeclared with the transport's
 * topology; a process that dies leaves it to the broker to remove. It is not durable: its messages
 * matter only to this process.
 *
 * <p>Futures are completed on this class's own threads, never on a transport thread, so the
 * consumer keeps flowing whatever the dependants do; the setup (declare, bind, consume) and the
 * store reads run there too, because {@code future()} is often called from a transport thread (the
 * completion of {@code submitAsync}).
 */
final class TaskOutcomes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskOutcomes.class);

  /** How long the private queue outlives a lost connection or a dead process. */
  static final Duration QUEUE_EXPIRY = Duration.ofMinutes(1);

  /** How long an {@linkplain #expect expectation} waits for its first watch. */
  static final Duration EXPECT_FOR = Duration.ofSeconds(10);

  /** How long a future waits for its outcome before the store is read for it. */
  static final Duration RECHECK_FIRST = Duration.ofSeconds(5);

  /** The longest wait between two reads for one future. */
  static final Duration RECHECK_MAX = Duration.ofMinutes(1);

  private static final int PREFETCH = 256;
  private static final int THREADS = 4;

  private final TaskQueue tasks;
  private final Transport transport;
  private final String exchange;
  private final String queue;
  private final ThreadPoolExecutor executor;
  private final Map<String, CompletableFuture<TaskOutcome>> pending = new ConcurrentHashMap<>();

  /** The tasks {@linkplain #expect expected}, by id: when they were. */
  private final Map<String, Long> expected = new ConcurrentHashMap<>();

  private final long expectForNanos;

  /** When each long-waiting future is read next, and the current interval, in nanoseconds. */
  private final Map<String, long[]> rechecks = new ConcurrentHashMap<>();

  private final java.util.concurrent.ScheduledExecutorService rechecker =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "warren-task-outcome-rechecks");
            t.setDaemon(true);
            return t;
          });
  private final Object lock = new Object();
  private CompletableFuture<Void> listening;
  private volatile ConsumerHandle consumer;
  private volatile boolean closed;

  TaskOutcomes(TaskQueue tasks, Transport transport, String exchange, String instanceId) {
    this(tasks, transport, exchange, instanceId, EXPECT_FOR);
  }

  /**
   * @param expectFor how long an expectation waits for its first watch
   */
  TaskOutcomes(
      TaskQueue tasks,
      Transport transport,
      String exchange,
      String instanceId,
      Duration expectFor) {
    this.expectForNanos = expectFor.toNanos();
    this.tasks = tasks;
    this.transport = transport;
    this.exchange = exchange;
    this.queue =
        "warren.task-outcomes." + instanceId + "." + UUID.randomUUID().toString().substring(0, 8);
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "warren-task-outcomes-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    rechecker.scheduleWithFixedDelay(
        () -> {
          try {
            long now = System.nanoTime();
            dropStaleExpectations(now);
            recheck(now);
          } catch (RuntimeException e) {
            log.debug("rechecking task outcomes: {}", e.toString());
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
  }

  /**
   * @return the private queue's name
   */
  String queue() {
    return queue;
  }

  /**
   * @return how many tasks are waited for
   */
  int pending() {
    return pending.size();
  }

  /**
   * Follows a task until it is final. All callers for one task share one future; each call that
   * finds it pending reads the store once (after the listener is bound), so a caller that comes
   * late is not left waiting for an event that an earlier caller missed.
   *
   * @param id the task id
   * @return completes with the outcome; fails with {@link TaskStoreException} when the store does
   *     not know the task (or forgot it), with {@link WarrenClosedException} when the instance
   *     closes first, or with the error that kept the listener from starting
   */
  CompletableFuture<TaskOutcome> watch(String id) {
    boolean[] claimed = {false};
    CompletableFuture<TaskOutcome> created = new CompletableFuture<>();
    // why: under the map's lock for this id, so a sweep cannot drop an expectation being claimed
    CompletableFuture<TaskOutcome> f =
        pending.compute(
            id,
            (k, existing) -> {
              if (existing == null) {
                return created;
              }
              claimed[0] = expected.remove(k) != null;
              return existing;
            });
    if (f == created) {
      created.whenComplete((o, e) -> pending.remove(id, created));
    } else if (f.isDone() || claimed[0]) {
      // why: an expected task's outcome cannot have passed unseen: it was awaited before it was
      // published, so the store need not be read
      return f;
    }
    CompletableFuture<Void> ready;
    synchronized (lock) {
      if (closed) {
        f.completeExceptionally(closedBefore(id));
        return f;
      }
      ready = listening();
    }
    CompletableFuture<TaskOutcome> watched = f;
    ready.whenComplete(
        (ok, error) -> {
          if (error != null) {
            watched.completeExceptionally(unwrap(error));
          } else {
            run(() -> readOnce(id, watched), watched);
          }
        });
    return f;
  }

  /**
   * Whether the listener is consuming: from then on, an outcome sent for a task published later
   * reaches this instance.
   *
   * @return whether it is consuming
   */
  boolean live() {
    return consumer != null;
  }

  /**
   * Starts the listener unless it runs or is starting; returns at once.
   *
   * @throws WarrenClosedException when the instance is closed
   */
  void start() {
    synchronized (lock) {
      if (closed) {
        throw closedBefore(null);
      }
      listening();
    }
  }

  /**
   * Awaits the outcome of a task about to be published, while the listener is {@link #live()}, so
   * that a {@link #watch} of it within {@link #EXPECT_FOR} needs no store read: nothing sent for it
   * can have been missed. An expectation nobody watched for that long is dropped (a later watch
   * reads the store; the check runs once a second), so tasks submitted and never followed cost
   * nothing lasting.
   *
   * @param id the id of a task not yet published
   */
  void expect(String id) {
    CompletableFuture<TaskOutcome> f = new CompletableFuture<>();
    if (pending.putIfAbsent(id, f) == null) {
      expected.put(id, System.nanoTime());
      f.whenComplete(
          (o, e) -> {
            pending.remove(id, f);
            expected.remove(id);
          });
      // why: a submission racing close() would leave a future nobody completes
      if (closed) {
        f.completeExceptionally(closedBefore(id));
      }
    }
  }

  /** Drops the expectations that waited longer than {@link #EXPECT_FOR} for their first watch. */
  private void dropStaleExpectations(long now) {
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      long at = e.getValue();
      if (now - at > expectForNanos) {
        // why: under the map's lock for this id, so a watch claiming it meanwhile keeps it
        pending.computeIfPresent(
            e.getKey(), (k, f) -> expected.remove(k, at) && !f.isDone() ? null : f);
      }
    }
  }

  /**
   * @return how many expectations are held, for tests
   */
  int expected() {
    return expected.size();
  }

  /** Starts the listener once; again after a failed start. Called under the lock. */
  private CompletableFuture<Void> listening() {
    if (listening == null || listening.isCompletedExceptionally()) {
      listening = CompletableFuture.runAsync(this::listen, executor);
    }
    return listening;
  }

  private void listen() {
    TaskOutcomeSender.declare(transport, exchange);
    transport.declareQueue(
        new QueueSpec(queue, false, false, false, Map.of())
            .withArgument(QueueSpec.EXPIRES, QUEUE_EXPIRY.toMillis()));
    transport.bind(queue, TaskOutcomeSender.exchange(exchange), "");
    ConsumerHandle c = transport.consume(queue, PREFETCH, this::onDelivery);
    boolean stop;
    synchronized (lock) {
      consumer = c;
      stop = closed;
    }
    if (stop) {
      stop(c);
    }
    log.debug("following task outcomes on {}", queue);
  }

  /**
   * Reads the store for the futures that waited long for their outcome, with a backoff per task
   * ({@link #RECHECK_FIRST}, doubling up to {@link #RECHECK_MAX}), and completes those whose task
   * is final. why: an outcome can be lost although the task ended (its worker died between storing
   * the outcome and sending it, after acknowledging the task; the broker lost this listener's queue
   * in a restart); without this its future would wait forever. Outcomes that arrive are still the
   * way futures complete: this reads only the stragglers.
   */
  private void recheck(long now) {
    rechecks.keySet().removeIf(id -> !pending.containsKey(id));
    for (Map.Entry<String, CompletableFuture<TaskOutcome>> e : pending.entrySet()) {
      String id = e.getKey();
      CompletableFuture<TaskOutcome> f = e.getValue();
      if (f.isDone() || expected.containsKey(id)) {
        continue;
      }
      long[] due =
          rechecks.computeIfAbsent(
              id, k -> new long[] {now + RECHECK_FIRST.toNanos(), RECHECK_FIRST.toNanos()});
      if (now - due[0] < 0) {
        continue;
      }
      due[1] = Math.min(due[1] * 2, RECHECK_MAX.toNanos());
      due[0] = now + due[1];
      tasks
          .batches()
          .lookupAsync(id)
          .whenComplete(
              (found, error) -> {
                if (error == null && found.status() != null && found.status().isFinal()) {
                  run(() -> settle(id, Optional.of(found.status()), f), f);
                }
              });
    }
  }

  /** The once-per-watch store read: completes the watch if the task is final already. */
  private void readOnce(String id, CompletableFuture<TaskOutcome> f) {
    if (f.isDone()) {
      return;
    }
    // why: batched with the other watches and the workers' lookups: one round trip for many
    tasks
        .batches()
        .lookupAsync(id)
        .whenComplete(
            (found, error) -> {
              if (error != null) {
                run(() -> f.completeExceptionally(unwrap(error)), f);
              } else {
                run(() -> settle(id, Optional.ofNullable(found.status()), f), f);
              }
            });
  }

  private static void settle(
      String id, Optional<TaskStatus> status, CompletableFuture<TaskOutcome> f) {
    if (f.isDone()) {
      return;
    }
    if (status.isEmpty()) {
      f.completeExceptionally(
          new TaskStoreException("task " + id + " is unknown, or its result expired"));
    } else if (status.get().isFinal()) {
      f.complete(TaskOutcome.of(status.get()));
    }
  }

  private void onDelivery(Delivery delivery) {
    // why: the queue is this process's alone; an outcome lost with the process has nobody to tell
    delivery.ack();
    JsonNode batch;
    try {
      batch = JsonDataCodec.MAPPER.readTree(delivery.message().body());
    } catch (IOException e) {
      log.debug("ignoring task outcomes that are not JSON on {}: {}", queue, e.toString());
      return;
    }
    if (batch == null || !batch.isArray()) {
      return;
    }
    for (JsonNode data : batch) {
      TaskOutcome outcome = TaskOutcome.fromEvent(data);
      if (outcome != null) {
        settle(outcome);
      }
    }
  }

  /**
   * Completes the future of a task with an outcome known in this process (a submission that
   * failed), if anyone here awaits it.
   *
   * @param outcome the outcome
   */
  void settle(TaskOutcome outcome) {
    CompletableFuture<TaskOutcome> f = pending.get(outcome.id());
    if (f == null) {
      return;
    }
    if (outcome.resultInStore()) {
      // why: the event left a large result out; the store has it, final before the event was sent
      run(() -> fromStore(outcome, f), f);
    } else {
      run(() -> f.complete(outcome), f);
    }
  }

  private void fromStore(TaskOutcome outcome, CompletableFuture<TaskOutcome> f) {
    TaskStatus s =
        tasks
            .store()
            .get(outcome.id())
            .orElseThrow(
                () ->
                    new TaskStoreException(
                        "task "
                            + outcome.id()
                            + " ended, but its result expired before it was read"));
    f.complete(TaskOutcome.of(s));
  }

  /** Runs on this class's threads; a failure fails the future instead of vanishing. */
  private void run(Runnable step, CompletableFuture<TaskOutcome> f) {
    try {
      executor.execute(
          () -> {
            try {
              step.run();
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(closedBefore(null));
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private static WarrenClosedException closedBefore(String id) {
    return new WarrenClosedException(
        "this Warren instance was closed before "
            + (id == null ? "the task" : "task " + id)
            + " finished");
  }

  private void stop(ConsumerHandle c) {
    try {
      c.cancel();
    } catch (RuntimeException e) {
      log.debug("cancelling the consumer of {}: {}", queue, e.toString());
    }
    try {
      transport.deleteQueue(queue);
    } catch (RuntimeException e) {
      // why: the broker removes it after QUEUE_EXPIRY anyway
      log.debug("deleting {}: {}", queue, e.toString());
    }
  }

  /** Fails every pending future with {@link WarrenClosedException} and removes the queue. */
  @Override
  public void close() {
    ConsumerHandle c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = consumer;
    }
    for (Map.Entry<String, CompletableFuture<TaskOutcome>> e : List.copyOf(pending.entrySet())) {
      e.getValue().completeExceptionally(closedBefore(e.getKey()));
    }
    expected.clear();
    if (c != null) {
      stop(c);
    }
    executor.shutdown();
    rechecker.shutdownNow();
  }
}
