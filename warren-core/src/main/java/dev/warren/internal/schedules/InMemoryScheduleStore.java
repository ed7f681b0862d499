package dev.warren.internal.schedules;

import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.spi.ScheduleStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Schedules in this process's memory, for instances that share a {@code memory:} store URL. One
 * lock guards everything: claims are rare (one per slot), so simplicity wins over concurrency.
 */
public final class InMemoryScheduleStore implements ScheduleStore {
  private static final Comparator<Firing> NEWEST_FIRST =
      Comparator.comparing(Firing::slot).reversed().thenComparing(Firing::manual);

  private final Map<String, ScheduleInfo> schedules = new TreeMap<>();
  private final Map<String, List<Firing>> firings = new TreeMap<>();

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public synchronized ScheduleInfo upsert(ScheduleInfo s) {
    ScheduleInfo old = schedules.get(s.name());
    ScheduleInfo stored =
        old == null
            ? s.withNextSlot(null)
            : new ScheduleInfo(
                s.name(),
                s.cron(),
                s.zone(),
                s.interval(),
                s.task(),
                s.args(),
                s.queue(),
                s.missedSlots(),
                s.history(),
                old.paused(),
                old.createdAt(),
                old.resumedAt(),
                old.lastSlot(),
                null);
    schedules.put(s.name(), stored);
    return stored;
  }

  @Override
  public synchronized Optional<ScheduleInfo> get(String name) {
    return Optional.ofNullable(schedules.get(name));
  }

  @Override
  public synchronized List<ScheduleInfo> list() {
    return List.copyOf(schedules.values());
  }

  @Override
  public synchronized Optional<ScheduleInfo> setPaused(String name, boolean paused, Instant at) {
    ScheduleInfo s = schedules.get(name);
    if (s == null) {
      return Optional.empty();
    }
    ScheduleInfo changed =
        new ScheduleInfo(
            s.name(),
            s.cron(),
            s.zone(),
            s.interval(),
            s.task(),
            s.args(),
            s.queue(),
            s.missedSlots(),
            s.history(),
            paused,
            s.createdAt(),
            paused ? s.resumedAt() : at,
            s.lastSlot(),
            null);
    schedules.put(name, changed);
    return Optional.of(changed);
  }

  @Override
  public synchronized boolean delete(String name) {
    firings.remove(name);
    return schedules.remove(name) != null;
  }

  @Override
  public synchronized boolean claim(Firing firing, int keep) {
    ScheduleInfo s = schedules.get(firing.schedule());
    if (s == null) {
      return false;
    }
    List<Firing> list = firings.computeIfAbsent(firing.schedule(), k -> new ArrayList<>());
    if (firing.manual()) {
      if (find(list, firing.slot(), true) != null) {
        return false;
      }
    } else {
      if (s.lastSlot() != null && !firing.slot().isAfter(s.lastSlot())) {
        return false;
      }
      schedules.put(
          s.name(),
          new ScheduleInfo(
              s.name(),
              s.cron(),
              s.zone(),
              s.interval(),
              s.task(),
              s.args(),
              s.queue(),
              s.missedSlots(),
              s.history(),
              s.paused(),
              s.createdAt(),
              s.resumedAt(),
              firing.slot(),
              null));
    }
    list.add(firing);
    list.sort(NEWEST_FIRST);
    while (list.size() > keep) {
      list.remove(list.size() - 1);
    }
    return true;
  }

  @Override
  public synchronized boolean takeOver(
      String schedule,
      Instant slot,
      boolean manual,
      String instance,
      Instant at,
      Instant staleBefore) {
    List<Firing> list = firings.get(schedule);
    Firing f = list == null ? null : find(list, slot, manual);
    if (f == null || f.state() != FiringState.CLAIMED || !f.at().isBefore(staleBefore)) {
      return false;
    }
    list.set(
        list.indexOf(f),
        new Firing(
            f.schedule(), f.slot(), f.manual(), f.state(), f.taskId(), instance, at, f.detail()));
    return true;
  }

  @Override
  public synchronized void complete(Firing firing) {
    List<Firing> list = firings.get(firing.schedule());
    Firing f = list == null ? null : find(list, firing.slot(), firing.manual());
    if (f != null) {
      list.set(list.indexOf(f), firing);
    }
  }

  @Override
  public synchronized List<Firing> stalled(Instant staleBefore) {
    List<Firing> out = new ArrayList<>();
    for (List<Firing> list : firings.values()) {
      for (Firing f : list) {
        if (f.state() == FiringState.CLAIMED && f.at().isBefore(staleBefore)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  @Override
  public synchronized List<Firing> history(String schedule, int limit) {
    List<Firing> list = firings.getOrDefault(schedule, List.of());
    return List.copyOf(list.subList(0, Math.min(limit, list.size())));
  }

  private static Firing find(List<Firing> list, Instant slot, boolean manual) {
    for (Firing f : list) {
      if (f.slot().equals(slot) && f.manual() == manual) {
        return f;
      }
    }
    return null;
  }

  @Override
  public void close() {
    // why: the store is shared by every instance with this URL in the process; nothing to release
  }
}
