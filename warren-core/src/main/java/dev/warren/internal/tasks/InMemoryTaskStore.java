package dev.warren.internal.tasks;

import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskLookup;
import dev.warren.tasks.spi.TaskRevokes;
import dev.warren.tasks.spi.TaskStore;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task state in this process's memory: the embedded default. Shared by every Warren instance of the
 * process that uses {@code memory:}, so an in-memory "other worker" sees the same tasks.
 */
public final class InMemoryTaskStore implements TaskStore {
  private static final long PURGE_INTERVAL_NANOS = java.time.Duration.ofMinutes(1).toNanos();

  private record Revoke(Instant at, Instant keepUntil) {}

  private final Map<String, TaskStatus> tasks = new ConcurrentHashMap<>();
  private final Map<String, Revoke> revokes = new ConcurrentHashMap<>();
  private final NavigableMap<Long, String> revokeLog = new TreeMap<>();
  private long revokePosition;
  private final java.util.concurrent.atomic.AtomicLong nextPurge =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

  private final dev.warren.internal.tasks.limits.InMemoryTaskLimitStore limits =
      new dev.warren.internal.tasks.limits.InMemoryTaskLimitStore();

  /** Limits in memory too, shared like the tasks by the instances of this process. */
  @Override
  public Optional<dev.warren.tasks.spi.TaskLimitStore> limitStore() {
    return Optional.of(limits);
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void put(TaskStatus status) {
    tasks.put(status.id(), status);
    // why: an embedded process may run for months; finished tasks must not pile up unread
    long now = System.nanoTime();
    long next = nextPurge.get();
    if (now - next >= 0 && nextPurge.compareAndSet(next, now + PURGE_INTERVAL_NANOS)) {
      purgeExpired(Instant.now());
    }
  }

  @Override
  public Optional<TaskStatus> get(String id) {
    TaskStatus s = tasks.get(id);
    if (s != null && s.expiresAt() != null && !s.expiresAt().isAfter(Instant.now())) {
      tasks.remove(id, s);
      return Optional.empty();
    }
    return Optional.ofNullable(s);
  }

  @Override
  public void putAll(Collection<TaskStatus> statuses) {
    for (TaskStatus s : statuses) {
      put(s);
    }
  }

  @Override
  public Map<String, TaskLookup> lookupAll(Collection<String> ids) {
    Map<String, TaskLookup> found = new HashMap<>();
    for (String id : ids) {
      TaskStatus status = get(id).orElse(null);
      Instant revoked = revokedAt(id).orElse(null);
      if (status != null || revoked != null) {
        found.put(id, new TaskLookup(status, revoked));
      }
    }
    return found;
  }

  @Override
  public List<TaskStatus> list(Set<TaskState> states, String name, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more, not " + limit);
    }
    Instant now = Instant.now();
    return tasks.values().stream()
        .filter(s -> s.expiresAt() == null || s.expiresAt().isAfter(now))
        .filter(s -> states.isEmpty() || states.contains(s.state()))
        .filter(s -> name == null || name.equals(s.name()))
        .sorted(Comparator.comparing(TaskStatus::updatedAt).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public List<TaskStatus> list(
      Set<TaskState> states, String name, Instant since, Instant until, int limit) {
    dev.warren.admin.TaskQuery query =
        new dev.warren.admin.TaskQuery(states, name, since, until, limit);
    Instant now = Instant.now();
    return tasks.values().stream()
        .filter(s -> s.expiresAt() == null || s.expiresAt().isAfter(now))
        .filter(query::matches)
        .sorted(Comparator.comparing(TaskStatus::updatedAt).reversed())
        .limit(query.limit())
        .toList();
  }

  @Override
  public boolean revoke(String id, Instant at, Instant keepUntil) {
    synchronized (revokeLog) {
      if (revokes.putIfAbsent(id, new Revoke(at, keepUntil)) != null) {
        return false;
      }
      revokeLog.put(++revokePosition, id);
      return true;
    }
  }

  @Override
  public Optional<TaskRevokes> revokesAfter(long after, int limit) {
    Map<String, Instant> page = new LinkedHashMap<>();
    long position = after;
    synchronized (revokeLog) {
      for (Map.Entry<Long, String> e : revokeLog.tailMap(after, false).entrySet()) {
        if (page.size() >= limit) {
          break;
        }
        position = e.getKey();
        revokedAt(e.getValue()).ifPresent(at -> page.put(e.getValue(), at));
      }
    }
    return Optional.of(new TaskRevokes(page, position));
  }

  @Override
  public Optional<Instant> revokedAt(String id) {
    Revoke r = revokes.get(id);
    if (r != null && !r.keepUntil().isAfter(Instant.now())) {
      revokes.remove(id, r);
      return Optional.empty();
    }
    return Optional.ofNullable(r).map(Revoke::at);
  }

  @Override
  public int purgeExpired(Instant now) {
    int before = tasks.size() + revokes.size();
    tasks.values().removeIf(s -> s.expiresAt() != null && !s.expiresAt().isAfter(now));
    revokes.values().removeIf(r -> !r.keepUntil().isAfter(now));
    synchronized (revokeLog) {
      revokeLog.values().removeIf(id -> !revokes.containsKey(id));
    }
    return before - tasks.size() - revokes.size();
  }

  /** Keeps the state: the store is shared by the process and outlives any one instance. */
  @Override
  public void close() {}
}
