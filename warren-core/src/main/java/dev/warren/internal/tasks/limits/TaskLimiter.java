package dev.warren.internal.tasks.limits;

import dev.warren.InvalidInputException;
import dev.warren.tasks.TaskLimitUsage;
import dev.warren.tasks.TaskLimits;
import dev.warren.tasks.spi.TaskLimitStore;
import dev.warren.tasks.spi.TaskPermit;
import dev.warren.tasks.spi.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits tasks under the limits declared for their names (see {@link dev.warren.tasks.TaskLimits}),
 * for one Warren instance's workers. The limits are read from the task store and kept for {@value
 * #REFRESH_MS} ms, so a name without limits costs no store call per task; a limited name costs one
 * call to start and one to finish. Each permit is a lease of {@link #LEASE}, renewed every third of
 * it while the task runs: a worker that dies frees its permits within a lease.
 */
public final class TaskLimiter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskLimiter.class);

  /** How long the declared limits are kept before they are read again. */
  static final long REFRESH_MS = 2000;

  /** How long a permit lasts unless renewed. */
  static final Duration LEASE = Duration.ofSeconds(30);

  /** The wait of a task refused by a concurrency limit: this, plus up to as much again. */
  static final Duration BUSY_WAIT = Duration.ofMillis(100);

  private record Held(String name, String key, String holder) {}

  private final TaskStore store;
  private final Supplier<Instant> clock;
  private final Map<Held, Boolean> held = new ConcurrentHashMap<>();
  private volatile Map<String, TaskLimits> cached = Map.of();
  private volatile long cachedAt = Long.MIN_VALUE;
  private ScheduledExecutorService renewer;

  /**
   * @param store the task store, whose {@link TaskStore#limitStore()} keeps the limits
   * @param clock the instance's clock
   */
  public TaskLimiter(TaskStore store, Supplier<Instant> clock) {
    this.store = store;
    this.clock = clock;
  }

  private TaskLimitStore limitStore() {
    return store
        .limitStore()
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "the task store "
                        + store.describe()
                        + " cannot keep task limits: use memory:, redis:// or jdbc:postgresql://"));
  }

  /**
   * @param name the task name
   * @param limits its limits; {@link TaskLimits#none()} removes them
   */
  public void declare(String name, TaskLimits limits) {
    if (limits == null) {
      throw new InvalidInputException(
          "no limits given for task '" + name + "': use TaskLimits.none() to remove them");
    }
    limitStore().putLimits(name, limits);
    cachedAt = Long.MIN_VALUE;
  }

  /**
   * @return the declared limits, by task name, read now; empty when the store keeps none
   */
  public Map<String, TaskLimits> limits() {
    return store.limitStore().map(TaskLimitStore::limits).orElse(Map.of());
  }

  /**
   * @return every declared limit with its use now
   * @throws InvalidInputException when the store cannot keep limits
   */
  public List<TaskLimitUsage> usage() {
    TaskLimitStore s = limitStore();
    Instant now = clock.get();
    List<TaskLimitUsage> out = new ArrayList<>();
    s.limits().forEach((name, l) -> out.add(s.usage(name, l, now)));
    return out;
  }

  private TaskLimits limitsOf(String name) {
    long now = System.nanoTime();
    if (cachedAt == Long.MIN_VALUE || now - cachedAt > TimeUnit.MILLISECONDS.toNanos(REFRESH_MS)) {
      cached = limits();
      cachedAt = now;
    }
    return cached.get(name);
  }

  /**
   * Asks for a permit to start a task now.
   *
   * @param name the task name
   * @param key its limit key, or {@code null}
   * @param taskId the task id
   * @return the admission: {@link Admission#granted()} or how long to wait
   */
  public Admission admit(String name, String key, String taskId) {
    TaskLimits limits = limitsOf(name);
    if (limits == null) {
      return Admission.FREE;
    }
    Instant now = clock.get();
    TaskPermit p = limitStore().acquire(name, key, taskId, limits, now, now.plus(LEASE));
    if (!p.granted()) {
      Duration wait =
          p.retryAfter() != null
              ? p.retryAfter()
              : BUSY_WAIT.plusMillis(ThreadLocalRandom.current().nextLong(BUSY_WAIT.toMillis()));
      return new Admission(this, null, false, p.reason(), wait);
    }
    boolean tracked = limits.concurrency() > 0 || (limits.perKeyConcurrency() > 0 && key != null);
    if (!tracked) {
      return Admission.FREE;
    }
    Held h = new Held(name, key, taskId);
    held.put(h, Boolean.TRUE);
    startRenewer();
    return new Admission(this, h, true, null, null);
  }

  private synchronized void startRenewer() {
    if (renewer != null) {
      return;
    }
    renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-task-limits");
              t.setDaemon(true);
              return t;
            });
    long every = LEASE.toMillis() / 3;
    renewer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
  }

  private void renewAll() {
    Instant until = clock.get().plus(LEASE);
    for (Held h : held.keySet()) {
      try {
        limitStore().renew(h.name(), h.key(), h.holder(), until);
      } catch (RuntimeException e) {
        log.warn("cannot renew the permit of task {} {}: {}", h.name(), h.holder(), e.toString());
      }
    }
  }

  private void release(Held h) {
    if (h == null || held.remove(h) == null) {
      return;
    }
    try {
      limitStore().release(h.name(), h.key(), h.holder());
    } catch (RuntimeException e) {
      // why: the lease runs out by itself; until then the limit counts the task as running
      log.warn(
          "cannot release the permit of task {} {}: {}; it lapses within {}",
          h.name(),
          h.holder(),
          e.toString(),
          LEASE);
    }
  }

  @Override
  public synchronized void close() {
    if (renewer != null) {
      renewer.shutdownNow();
    }
  }

  /** Whether a task may start, and its permit while it runs. */
  public static final class Admission {
    static final Admission FREE = new Admission(null, null, true, null, null);

    private final TaskLimiter limiter;
    private final Held permit;
    private final boolean granted;
    private final String reason;
    private final Duration wait;

    Admission(TaskLimiter limiter, Held permit, boolean granted, String reason, Duration wait) {
      this.limiter = limiter;
      this.permit = permit;
      this.granted = granted;
      this.reason = reason;
      this.wait = wait;
    }

    /**
     * @return whether the task may start now
     */
    public boolean granted() {
      return granted;
    }

    /**
     * @return which limit refused it, or {@code null}
     */
    public String reason() {
      return reason;
    }

    /**
     * @return how long it should wait in the broker before it is tried again, or {@code null}
     */
    public Duration waitFor() {
      return wait;
    }

    /** Gives the permit back, if one was taken (idempotent). */
    public void release() {
      if (limiter != null) {
        limiter.release(permit);
      }
    }
  }
}
