package dev.warren.internal.tasks;

import dev.warren.tasks.spi.TaskRevokes;
import dev.warren.tasks.spi.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revokes of a task store, kept in this process and followed through the store's revoke log
 * ({@link TaskStore#revokesAfter}) every {@value #REFRESH_MS} ms, so that a worker can start a task
 * on its first delivery without reading the task's status and revoke from the store: as Celery's
 * workers keep their revoked set. One small read per instance and interval instead of one per task.
 *
 * <p>The view answers only while it is fresh (read within {@link #FRESH_FOR}); a stale view, or a
 * store without a revoke log, answers "unknown" and the worker reads the store as before. Each read
 * starts from where the log was {@link #OVERLAP} ago, not from its end. why: log positions are
 * given when a revoke is written but become visible when it commits, so a revoke may appear behind
 * one read already; reading a few seconds' worth again catches it (the set is idempotent).
 *
 * <p>An instance that received no task for {@link #IDLE_AFTER} reads the log about once a second,
 * still within {@link #FRESH_FOR}.
 *
 * <p>What it cannot see: a revoke written in the last {@value #REFRESH_MS} ms or so. A task started
 * meanwhile runs; a running task still reads its revoke flag every {@link
 * TaskWorker#REVOKE_POLL_MS} ms, as before.
 */
final class RevokeView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RevokeView.class);

  /** How often the log is read. */
  static final long REFRESH_MS = 100;

  /** How long after its last read the view still answers. */
  static final Duration FRESH_FOR = Duration.ofSeconds(1);

  /** How far back in the log each read starts. */
  static final Duration OVERLAP = Duration.ofSeconds(5);

  /** Without a task asking for this long, the log is read only every {@link #IDLE_REFRESH}. */
  static final Duration IDLE_AFTER = Duration.ofSeconds(5);

  static final Duration IDLE_REFRESH = Duration.ofMillis(900);

  private static final int PAGE = 1000;

  private final TaskStore store;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

  /** The positions reached by recent reads, oldest first: (nanoTime, position). */
  private final ArrayDeque<long[]> positions = new ArrayDeque<>();

  private final ScheduledExecutorService timer;
  private final java.util.concurrent.atomic.AtomicBoolean scheduled =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile long freshUntil;
  private long nextForget = System.nanoTime();
  private volatile long lastAsked = System.nanoTime();
  private volatile long lastRead;
  private volatile boolean supported = true;
  private long position;

  /**
   * @param store the store whose revokes to follow
   */
  RevokeView(TaskStore store) {
    this.store = store;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-task-revokes");
              t.setDaemon(true);
              return t;
            });
  }

  /** Reads the log now and then every {@value #REFRESH_MS} ms; again, does nothing. */
  void start() {
    if (scheduled.compareAndSet(false, true)) {
      timer.scheduleWithFixedDelay(this::refresh, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Reads what the log holds since the last reads (and {@link #OVERLAP} before them).
   *
   * @return whether the store keeps a revoke log
   */
  boolean refresh() {
    if (!supported) {
      return false;
    }
    long started = System.nanoTime();
    if (started - lastAsked > IDLE_AFTER.toNanos()
        && lastRead != 0
        && started - lastRead < IDLE_REFRESH.toNanos()) {
      // why: no task arrived lately; a read a second keeps the store's load low while idle
      return true;
    }
    lastRead = started;
    try {
      long from = readFrom(started);
      long reached = from;
      while (true) {
        Optional<TaskRevokes> page = store.revokesAfter(reached, PAGE);
        if (page.isEmpty()) {
          supported = false;
          log.debug("{} keeps no revoke log: workers read each task's revoke", store.describe());
          timer.shutdown();
          return false;
        }
        revoked.putAll(page.get().revoked());
        reached = Math.max(reached, page.get().position());
        if (page.get().revoked().size() < PAGE) {
          break;
        }
      }
      synchronized (positions) {
        position = Math.max(position, reached);
        positions.addLast(new long[] {started, position});
      }
      freshUntil = started + FRESH_FOR.toNanos();
      forgetOld(started);
    } catch (RuntimeException e) {
      // why: the store is away; the view goes stale and workers read the store themselves
      log.debug("reading the revoke log of {}: {}", store.describe(), e.toString());
    }
    return true;
  }

  /** The position reached {@link #OVERLAP} ago (0 before any read): where this read starts. */
  private long readFrom(long now) {
    synchronized (positions) {
      long limit = now - OVERLAP.toNanos();
      while (positions.size() > 1 && positions.peekFirst()[0] - limit < 0) {
        positions.removeFirst();
      }
      long[] oldest = positions.peekFirst();
      return oldest == null ? 0 : oldest[1];
    }
  }

  /** Drops revokes older than the store keeps them, once an hour (on the timer's thread). */
  private void forgetOld(long now) {
    if (now - nextForget < 0) {
      return;
    }
    nextForget = now + TimeUnit.HOURS.toNanos(1);
    Instant before = Instant.now().minus(TaskQueue.REVOKE_KEEP).minus(Duration.ofDays(1));
    revoked.values().removeIf(at -> at.isBefore(before));
  }

  /**
   * @param id a task id
   * @return whether it is revoked, or {@code null} when the view cannot tell (stale, or the store
   *     keeps no log): the caller reads the store
   */
  Boolean revoked(String id) {
    long now = System.nanoTime();
    lastAsked = now;
    if (!supported || now - freshUntil > 0) {
      return null;
    }
    return revoked.containsKey(id);
  }

  /**
   * Records a revoke made in this process at once, before the next read would find it.
   *
   * @param id the task id
   * @param at when it was revoked
   */
  void add(String id, Instant at) {
    revoked.put(id, at);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
