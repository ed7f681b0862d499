package dev.warren.internal.tasks.limits;

import dev.warren.tasks.TaskLimitUsage;
import dev.warren.tasks.TaskLimits;
import dev.warren.tasks.spi.TaskLimitStore;
import dev.warren.tasks.spi.TaskPermit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Task limits in this process's memory, for the in-memory task store: the same rules as the Redis
 * and PostgreSQL stores (leases, a sliding window of starts, a task taking its own permit over),
 * under one lock. It holds across the Warren instances of one process only, as the store does.
 */
public final class InMemoryTaskLimitStore implements TaskLimitStore {
  private record Permit(String key, Instant leaseUntil) {}

  private static final class Name {
    final Map<String, Permit> running = new HashMap<>();
    final ArrayDeque<Instant> starts = new ArrayDeque<>();
    long deferred;
  }

  private final Map<String, TaskLimits> limits = new TreeMap<>();
  private final Map<String, Name> names = new HashMap<>();

  @Override
  public synchronized void putLimits(String name, TaskLimits l) {
    if (l.isNone()) {
      limits.remove(name);
    } else {
      limits.put(name, l);
    }
  }

  @Override
  public synchronized Map<String, TaskLimits> limits() {
    return Map.copyOf(limits);
  }

  @Override
  public synchronized TaskPermit acquire(
      String name, String key, String holder, TaskLimits l, Instant now, Instant leaseUntil) {
    Name n = names.computeIfAbsent(name, k -> new Name());
    n.running.values().removeIf(p -> !p.leaseUntil().isAfter(now));
    boolean tracked = l.concurrency() > 0 || (l.perKeyConcurrency() > 0 && key != null);
    if (tracked && !n.running.containsKey(holder)) {
      if (l.concurrency() > 0 && n.running.size() >= l.concurrency()) {
        n.deferred++;
        return TaskPermit.deny("concurrency " + l.concurrency() + " reached", null);
      }
      if (l.perKeyConcurrency() > 0 && key != null) {
        long sameKey = n.running.values().stream().filter(p -> key.equals(p.key())).count();
        if (sameKey >= l.perKeyConcurrency()) {
          n.deferred++;
          return TaskPermit.deny(
              "per-key concurrency " + l.perKeyConcurrency() + " reached for key " + key, null);
        }
      }
    }
    if (l.rate() > 0) {
      Instant windowStart = now.minus(l.ratePer());
      while (!n.starts.isEmpty() && !n.starts.peekFirst().isAfter(windowStart)) {
        n.starts.pollFirst();
      }
      if (n.starts.size() >= l.rate()) {
        n.deferred++;
        Duration wait = Duration.between(now, n.starts.peekFirst().plus(l.ratePer()));
        return TaskPermit.deny("rate limit " + l.rateText() + " reached", wait.plusMillis(1));
      }
      n.starts.addLast(now);
    }
    if (tracked) {
      n.running.put(holder, new Permit(key, leaseUntil));
    }
    return TaskPermit.grant();
  }

  @Override
  public synchronized void renew(String name, String key, String holder, Instant leaseUntil) {
    Name n = names.get(name);
    if (n != null) {
      n.running.computeIfPresent(holder, (h, p) -> new Permit(p.key(), leaseUntil));
    }
  }

  @Override
  public synchronized void release(String name, String key, String holder) {
    Name n = names.get(name);
    if (n != null) {
      n.running.remove(holder);
    }
  }

  @Override
  public synchronized TaskLimitUsage usage(String name, TaskLimits l, Instant now) {
    Name n = names.getOrDefault(name, new Name());
    Map<String, Integer> byKey = new HashMap<>();
    int running = 0;
    for (Permit p : n.running.values()) {
      if (p.leaseUntil().isAfter(now)) {
        running++;
        if (p.key() != null) {
          byKey.merge(p.key(), 1, Integer::sum);
        }
      }
    }
    int starts = 0;
    if (l.rate() > 0) {
      Instant windowStart = now.minus(l.ratePer());
      for (Instant s : n.starts) {
        if (s.isAfter(windowStart) && !s.isAfter(now)) {
          starts++;
        }
      }
    }
    return new TaskLimitUsage(name, l, running, byKey, starts, n.deferred);
  }
}
