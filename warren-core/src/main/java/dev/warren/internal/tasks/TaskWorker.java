package dev.warren.internal.tasks;

import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import dev.warren.WarrenOptions;
import dev.warren.internal.deadletters.DeadLetterPublisher;
import dev.warren.internal.deadletters.Failure;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.tasks.celery.CeleryMessage;
import dev.warren.internal.tasks.limits.TaskLimiter;
import dev.warren.tasks.TaskCancelledException;
import dev.warren.tasks.TaskHandler;
import dev.warren.tasks.TaskNotRegisteredException;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskLookup;
import dev.warren.tasks.spi.TaskStore;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one task queue, {@link WarrenOptions#taskConcurrency()} at a time: one consumer
 * whose prefetch is {@link WarrenOptions#taskPrefetch()} (the tasks running and those next in line,
 * so a worker that finishes one starts the next without a round trip to the broker) and as many
 * supervisor threads as the concurrency, in this process rather than a connection per worker.
 *
 * <p>For each delivery the supervisor: moves a message that is no task to the dead-letter queue
 * {@code <queue>.dlq} with the reason; skips final and revoked tasks; parks early ones (ETA, retry
 * backoff) in a wait queue; otherwise records STARTED (after RETRY when a previous worker was lost
 * with the task, written with the next batch rather than waited for) and runs the handler on a
 * thread of its own, watching it — the revoke flag every {@value #REVOKE_POLL_MS} ms, the soft and
 * hard time limits. A handler that does not stop is interrupted and abandoned, so the worker moves
 * on. The message is acknowledged only once the outcome is durable in the store (group-committed
 * with other workers' outcomes, see {@link TaskStoreBatches}; for a retry, once the next attempt is
 * confirmed in its wait queue): a worker that dies mid-task, or before its outcome is stored,
 * leaves it to the broker to redeliver.
 */
final class TaskWorker {
  private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);

  /** How often a running task's revoke flag is read from the store. */
  static final long REVOKE_POLL_MS = 200;

  private static final long TICK_MS = 50;

  private final TaskQueue tasks;
  private final TaskStore store;
  private final TaskStoreBatches batches;
  private final String queue;
  private final int concurrency;
  private final ThreadPoolExecutor supervisor;

  /** The Celery messages of the tasks being processed, by task id (see {@link CeleryTasks}). */
  private final Map<String, CeleryMessage> celeryTasks = new ConcurrentHashMap<>();

  private final ExecutorService runners;
  private volatile ConsumerHandle consumer;
  private volatile boolean stopping;

  TaskWorker(TaskQueue tasks, String queue) {
    this.tasks = tasks;
    this.store = tasks.store();
    this.batches = tasks.batches();
    this.queue = queue;
    this.concurrency = tasks.concurrency();
    AtomicInteger supervisors = new AtomicInteger();
    this.supervisor =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t =
                  new Thread(r, "warren-tasks-" + queue + "-" + supervisors.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // why: pooled, as a thread per task costs more than a no-op task; a handler abandoned at its
    // time limit keeps its thread, and the pool makes another
    AtomicInteger runnerThreads = new AtomicInteger();
    this.runners =
        Executors.newCachedThreadPool(
            r -> {
              Thread t =
                  new Thread(r, "warren-task-" + queue + "-" + runnerThreads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    consumer = tasks.transport().consume(queue, tasks.prefetch(), this::onDelivery);
  }

  private void onDelivery(Delivery delivery) {
    if (stopping) {
      delivery.reject(true);
      return;
    }
    try {
      supervisor.execute(() -> process(delivery));
    } catch (RejectedExecutionException e) {
      delivery.reject(true);
    }
  }

  private void process(Delivery delivery) {
    if (stopping) {
      delivery.reject(true);
      return;
    }
    TaskMessage m;
    CeleryMessage celery;
    try {
      celery = tasks.celery().read(delivery.message());
      m =
          celery != null
              ? tasks.celery().toTask(celery, queue)
              : TaskMessage.from(delivery.message());
    } catch (RuntimeException e) {
      // why: a message that is not a task never becomes one; keeping it would block the queue,
      // and dropping it would lose what someone sent
      deadLetter(delivery, e);
      return;
    }
    if (celery != null) {
      celeryTasks.put(m.id(), celery);
    }
    try {
      handle(delivery, m);
    } catch (RuntimeException e) {
      // why: most likely the store or the broker is away; the broker keeps the task meanwhile
      log.error(
          "task {} {} on {}: {}; returning it to the queue", m.name(), m.id(), queue, e.toString());
      pause(1000);
      delivery.reject(true);
    } finally {
      if (celery != null) {
        celeryTasks.remove(m.id());
      }
    }
  }

  /**
   * Moves a message that is no Warren task to the task queue's dead-letter queue {@code
   * <queue>.dlq} (declared on first use when the queue has none), with the reason in its headers as
   * for any dead letter; it is acknowledged only once the broker confirmed the dead letter, else
   * returned to the queue.
   */
  private void deadLetter(Delivery delivery, RuntimeException why) {
    DeadLetterPublisher dead =
        new DeadLetterPublisher(tasks.transport(), TaskQueue.deadLetterQueue(queue), tasks::now);
    Failure failure = new Failure(queue, queue, delivery, null, why, 1);
    try {
      // why: a task queue on quorum has its dead-letter queue already; declare one only if not
      if (tasks.transport().queueInfo(dead.queue()).isEmpty()) {
        tasks.transport().declareQueue(QueueSpec.durable(dead.queue()));
      }
      TaskQueue.join(dead.publish(failure), Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      log.error(
          "message {} on task queue {} is no task ({}), and moving it to {} failed: {};"
              + " returning it to the queue",
          failure.eventId(),
          queue,
          why.getMessage(),
          dead.queue(),
          e.toString());
      pause(1000);
      delivery.reject(true);
      return;
    }
    log.warn(
        "message {} on task queue {} is no task ({}); moved it to {}",
        failure.eventId(),
        queue,
        why.getMessage(),
        dead.queue());
    delivery.ack();
  }

  private void handle(Delivery delivery, TaskMessage m) {
    TaskLookup known = asSubmitted(delivery, m);
    if (known == null) {
      // why: one batched round trip for the status and the revoke, shared with other deliveries
      known = batches.lookup(m.id());
    }
    Instant now = tasks.now();
    TaskStatus status = known.status() != null ? known.status() : rebuilt(m, now);
    CeleryMessage celery = celeryTasks.get(m.id());
    if (status.isFinal()) {
      log.debug("task {} is already {}; dropping a duplicate delivery", m.id(), status.state());
      if (celery != null) {
        // why: the outcome may be stored while writing it for Celery failed (the message came
        // back for that); write it again, at least once
        tasks.celery().changed(celery, status);
      }
      // why: the worker that stored this outcome may have died before sending it (which is why
      // the message came back); followers would wait for it forever, so it goes out again
      tasks.resend(status);
      delivery.ack();
      return;
    }
    if (known.revokedAt() != null) {
      finish(
          status.to(TaskState.REVOKED, now, tasks.worker(), "revoked before start"), m, "revoked");
      delivery.ack();
      return;
    }
    if (celery != null && celery.expired(now)) {
      finish(
          status.to(TaskState.REVOKED, now, tasks.worker(), "expired at " + celery.expires()),
          m,
          "revoked");
      delivery.ack();
      return;
    }
    if (DelayQueues.early(m.eta(), now)) {
      // why: a Celery message waits as it came, so it is still one when it is due
      Message waiting = celery != null ? delivery.message() : m.toMessage();
      TaskQueue.join(tasks.waits().park(queue, waiting, m.eta()), Duration.ofSeconds(30));
      delivery.ack();
      return;
    }
    TaskHandler handler = tasks.handler(m.name());
    if (handler == null) {
      TaskNotRegisteredException e =
          new TaskNotRegisteredException(
              "no handler for task '"
                  + m.name()
                  + "' on worker "
                  + tasks.worker()
                  + " consuming "
                  + queue
                  + ": register it, or submit it to a queue whose workers know it");
      finish(
          status
              .withOutcome(null, TaskQueue.error(e))
              .to(TaskState.FAILURE, now, tasks.worker(), e.getMessage()),
          m,
          "failed");
      delivery.ack();
      return;
    }
    if (status.state() == TaskState.STARTED || status.state() == TaskState.PROGRESS) {
      status =
          status.to(
              TaskState.RETRY,
              now,
              tasks.worker(),
              "worker " + status.worker() + " was lost running attempt " + status.attempt());
    }
    TaskLimiter.Admission admission = tasks.limiter().admit(m.name(), m.limitKey(), m.id());
    if (!admission.granted()) {
      waitForLimit(delivery, m, admission);
      return;
    }
    try {
      run(delivery, m, status, handler);
    } finally {
      admission.release();
    }
  }

  /**
   * Sends a task over its name's limits to wait in the broker (a wait queue that dead-letters it
   * back here), and acknowledges it only once the broker confirmed it there: it never waits
   * unacknowledged in a worker, where it would hold the prefetch another task could use.
   */
  private void waitForLimit(Delivery delivery, TaskMessage m, TaskLimiter.Admission admission) {
    Instant until = tasks.now().plus(admission.waitFor());
    TaskQueue.join(tasks.waits().park(queue, m.toMessage(), until), Duration.ofSeconds(30));
    log.debug(
        "task {} {} waits {} ms: {}",
        m.name(),
        m.id(),
        admission.waitFor().toMillis(),
        admission.reason());
    delivery.ack();
  }

  /**
   * What the store holds of a task on its first delivery, told without reading it: the status it
   * was stored with at submission ({@link TaskMessage#submitted()}), when nothing can have changed
   * it since but a revoke, and the instance's {@link RevokeView} (fresh) knows of none. why: the
   * read was, on a database store, the most frequent statement per task. Otherwise (a redelivery, a
   * retry, a message without its submitter: Celery's and earlier versions', a stale view) {@code
   * null}: the caller reads the store.
   */
  private TaskLookup asSubmitted(Delivery delivery, TaskMessage m) {
    if (delivery.redelivered()
        || m.retries() != 0
        || !Boolean.FALSE.equals(tasks.revokes().revoked(m.id()))) {
      return null;
    }
    TaskStatus submitted = m.submitted();
    return submitted == null ? null : new TaskLookup(submitted, null);
  }

  /** The store forgot the task (its TTL ran out, or another store): start from the message. */
  private TaskStatus rebuilt(TaskMessage m, Instant now) {
    return m.status(
        TaskState.PENDING, now, tasks.worker(), "status not found in the store; rebuilt");
  }

  private void run(Delivery delivery, TaskMessage m, TaskStatus before, TaskHandler handler) {
    TaskOptions options = m.options();
    Instant startedAt = tasks.now();
    TaskStatus started =
        before
            .withAttempt(before.attempt() + 1)
            .withProgress(null, null)
            .to(TaskState.STARTED, startedAt, tasks.worker(), null);
    RunningTask running = new RunningTask(tasks, m, started);
    // why: not waited for; if this worker dies now, the broker redelivers the task all the same
    batches.writeLater(started);
    tasks.event("started", started);
    CeleryMessage celery = celeryTasks.get(m.id());
    if (celery != null) {
      tasks.celery().started(celery, started);
    }
    Future<?> runner;
    try {
      runner = runners.submit(() -> running.run(handler));
    } catch (RejectedExecutionException e) {
      running.abandon();
      delivery.reject(true);
      return;
    }

    long start = System.nanoTime();
    long soft =
        options.softTimeLimit() == null ? Long.MAX_VALUE : options.softTimeLimit().toNanos();
    long hard = options.timeLimit() == null ? Long.MAX_VALUE : options.timeLimit().toNanos();
    long nextRevokeCheck = 0;
    long revokeDeadline = Long.MAX_VALUE;
    long stopDeadline = Long.MAX_VALUE;
    boolean softFired = false;
    CompletableFuture<Object> outcome = running.outcome();
    while (true) {
      try {
        Object result = outcome.get(TICK_MS, TimeUnit.MILLISECONDS);
        if (revokeDeadline != Long.MAX_VALUE) {
          revoked(running, m, "revoked while running; it stopped");
        } else {
          succeeded(running, m, result);
        }
        break;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (revokeDeadline != Long.MAX_VALUE) {
          revoked(running, m, "revoked while running; it stopped");
        } else {
          failed(running, m, cause, softFired);
        }
        break;
      } catch (TimeoutException e) {
        // still running: check the limits below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        runner.cancel(true);
        running.abandon();
        delivery.reject(true);
        return;
      }
      long now = System.nanoTime();
      long elapsed = now - start;
      if (elapsed >= hard) {
        running.cancel("hard time limit " + options.timeLimit() + " exceeded");
        runner.cancel(true);
        timedOut(running, m, options.timeLimit());
        break;
      }
      if (!softFired && elapsed >= soft) {
        softFired = true;
        running.cancel("soft time limit " + options.softTimeLimit() + " exceeded");
        log.info(
            "task {} {} passed its soft time limit {}", m.name(), m.id(), options.softTimeLimit());
      }
      if (revokeDeadline == Long.MAX_VALUE && now >= nextRevokeCheck) {
        nextRevokeCheck = now + TimeUnit.MILLISECONDS.toNanos(REVOKE_POLL_MS);
        boolean revoked;
        try {
          revoked = store.revokedAt(m.id()).isPresent();
        } catch (RuntimeException e) {
          log.warn("cannot read the revoke flag of task {}: {}", m.id(), e.toString());
          revoked = false;
        }
        if (revoked) {
          running.cancel("revoked");
          revokeDeadline = now + options.revokeGrace().toNanos();
          log.info(
              "task {} {} revoked while running; it has {} to stop",
              m.name(),
              m.id(),
              options.revokeGrace());
        }
      }
      if (now >= revokeDeadline) {
        runner.cancel(true);
        revoked(running, m, "revoked while running; abandoned after the grace period");
        break;
      }
      if (stopping && stopDeadline == Long.MAX_VALUE) {
        stopDeadline = now + tasks.shutdownTimeout().toNanos();
      }
      if (now >= stopDeadline) {
        // why: this instance is going away; the broker gives the task to another worker, which
        // records that this one was lost
        log.warn(
            "task {} {} still running at shutdown; returning it to {}", m.name(), m.id(), queue);
        running.abandon();
        runner.cancel(true);
        delivery.reject(true);
        return;
      }
    }
    delivery.ack();
  }

  private void succeeded(RunningTask running, TaskMessage m, Object result) {
    String json;
    try {
      json = tasks.encode(result, "the result of task " + m.id());
    } catch (InvalidInputException e) {
      // why: the same result would fail to encode on every retry; before, the worker returned the
      // message to the queue and met it again forever
      failed(running, m, new NonRetryableException(e.getMessage(), e), false);
      return;
    }
    Instant now = tasks.now();
    TaskStatus s =
        running.finish().withOutcome(json, null).to(TaskState.SUCCESS, now, tasks.worker(), null);
    finish(s, m, "succeeded");
  }

  private void failed(RunningTask running, TaskMessage m, Throwable cause, boolean softFired) {
    Instant now = tasks.now();
    TaskStatus s = running.finish().withOutcome(null, TaskQueue.error(cause));
    boolean badArguments = running.failedOnArguments(cause);
    boolean retryable =
        !(cause instanceof NonRetryableException)
            && !(cause instanceof TaskCancelledException)
            && !badArguments
            && !softFired
            && m.retries() < m.maxRetries();
    if (!retryable) {
      String why =
          badArguments
              ? "its arguments cannot be decoded; not retried"
              : m.retries() >= m.maxRetries() && m.maxRetries() > 0
                  ? "failed after " + m.maxRetries() + " retries"
                  : null;
      finish(s.to(TaskState.FAILURE, now, tasks.worker(), why), m, "failed");
      return;
    }
    int retry = m.retries() + 1;
    Duration delay = m.options().retryDelay(retry);
    Instant eta = now.plus(delay);
    TaskStatus retrying =
        s.withEta(eta)
            .to(
                TaskState.RETRY,
                now,
                tasks.worker(),
                "retry "
                    + retry
                    + " of "
                    + m.maxRetries()
                    + " in "
                    + delay.toMillis()
                    + " ms: "
                    + cause);
    batches.writeDurably(retrying);
    tasks.event("retrying", retrying);
    TaskMessage next = m.retry(eta);
    Message message = next.toMessage();
    CompletableFuture<Void> sent =
        DelayQueues.early(eta, tasks.now())
            ? tasks.waits().park(queue, message, eta)
            : tasks.transport().publish("", queue, message);
    TaskQueue.join(sent, Duration.ofSeconds(30));
    log.info(
        "task {} {} failed ({}); retry {} of {} in {} ms",
        m.name(),
        m.id(),
        cause.toString(),
        retry,
        m.maxRetries(),
        delay.toMillis());
  }

  private void timedOut(RunningTask running, TaskMessage m, Duration limit) {
    Instant now = tasks.now();
    dev.warren.tasks.TaskTimeoutException e =
        new dev.warren.tasks.TaskTimeoutException(
            "task " + m.name() + " " + m.id() + " exceeded its time limit of " + limit);
    TaskStatus s =
        running
            .finish()
            .withOutcome(null, TaskQueue.error(e))
            .to(TaskState.FAILURE, now, tasks.worker(), "hard time limit " + limit + " exceeded");
    log.warn("{}; abandoning it", e.getMessage());
    finish(s, m, "failed");
  }

  private void revoked(RunningTask running, TaskMessage m, String detail) {
    finish(
        running.finish().to(TaskState.REVOKED, tasks.now(), tasks.worker(), detail), m, "revoked");
  }

  private void finish(TaskStatus s, TaskMessage m, String event) {
    TaskStatus done = s.withExpiresAt(s.updatedAt().plus(Duration.ofMillis(m.resultTtlMs())));
    // why: durable before the caller acknowledges the message; group-committed with other workers
    batches.writeDurably(done);
    tasks.event(event, done);
    CeleryMessage celery = celeryTasks.get(m.id());
    if (celery != null) {
      tasks.celery().changed(celery, done);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void close() {
    stopping = true;
    ConsumerHandle c = consumer;
    if (c != null) {
      try {
        c.cancel();
      } catch (RuntimeException e) {
        log.debug("cancelling the consumer of {}: {}", queue, e.toString());
      }
    }
    supervisor.shutdown();
    try {
      long wait = tasks.shutdownTimeout().toMillis() + 2000;
      if (!supervisor.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        supervisor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      supervisor.shutdownNow();
    }
    // why: the supervisors are done, so what still runs here was abandoned
    runners.shutdownNow();
  }
}
