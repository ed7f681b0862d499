package dev.warren.internal.lineage;

import dev.warren.lineage.Delivery;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lineage kept in memory, at most {@code capacity} events: the oldest recorded are forgotten first.
 * Steps that arrive before their event take a slot too.
 */
public final class InMemoryLineageStore implements LineageStore {
  /** How many events the embedded default keeps. */
  public static final int DEFAULT_CAPACITY = 10_000;

  static final Comparator<EventRecord> TIME_ORDER =
      Comparator.comparing(
              EventRecord::time, Comparator.nullsLast(Comparator.<java.time.Instant>naturalOrder()))
          .thenComparing(EventRecord::id);

  private final int capacity;
  private final LinkedHashMap<String, Entry> events = new LinkedHashMap<>();
  private final Map<String, Set<String>> children = new HashMap<>();
  private final Map<String, Set<String>> correlations = new HashMap<>();

  /** One event and its steps by subscription. */
  private static final class Entry {
    EventRecord event;
    final Map<String, List<DeliveryStep>> steps = new LinkedHashMap<>();
  }

  /**
   * @param capacity how many events to keep, at least 1
   */
  public InMemoryLineageStore(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " must be at least 1");
    }
    this.capacity = capacity;
  }

  @Override
  public synchronized void write(List<LineageWrite> batch) {
    for (LineageWrite w : batch) {
      Entry e = events.get(w.eventId());
      if (e == null) {
        e = new Entry();
        events.put(w.eventId(), e);
      }
      switch (w) {
        case LineageWrite.EventSeen seen -> {
          if (e.event == null) {
            EventRecord r = seen.event().withDeliveries(List.of());
            e.event = r;
            for (String parent : r.parentIds()) {
              children.computeIfAbsent(parent, k -> new LinkedHashSet<>()).add(r.id());
            }
            // why: most events start their own chain; indexing those would cost a set each, so a
            // chain's root is found by its id instead (see correlation())
            if (!r.correlationId().equals(r.id())) {
              correlations
                  .computeIfAbsent(r.correlationId(), k -> new LinkedHashSet<>())
                  .add(r.id());
            }
          }
        }
        case LineageWrite.StepTaken step ->
            e.steps.computeIfAbsent(step.subscription(), k -> new ArrayList<>()).add(step.step());
      }
    }
    evict();
  }

  private void evict() {
    Iterator<Map.Entry<String, Entry>> it = events.entrySet().iterator();
    while (events.size() > capacity && it.hasNext()) {
      Map.Entry<String, Entry> eldest = it.next();
      it.remove();
      EventRecord r = eldest.getValue().event;
      children.remove(eldest.getKey());
      if (r != null) {
        for (String parent : r.parentIds()) {
          unindex(children, parent, r.id());
        }
        unindex(correlations, r.correlationId(), r.id());
      }
    }
  }

  private static void unindex(Map<String, Set<String>> index, String key, String id) {
    Set<String> ids = index.get(key);
    if (ids != null) {
      ids.remove(id);
      if (ids.isEmpty()) {
        index.remove(key);
      }
    }
  }

  private EventRecord toRecord(Entry e) {
    List<Delivery> deliveries = new ArrayList<>();
    e.steps.forEach((sub, steps) -> deliveries.add(Delivery.of(sub, steps)));
    return e.event.withDeliveries(deliveries);
  }

  @Override
  public synchronized Optional<EventRecord> event(String eventId) {
    Entry e = events.get(eventId);
    return e == null || e.event == null ? Optional.empty() : Optional.of(toRecord(e));
  }

  @Override
  public synchronized List<EventRecord> children(String parentId, int limit) {
    return collect(children.get(parentId), limit);
  }

  @Override
  public synchronized List<EventRecord> correlation(String correlationId, int limit) {
    Entry root = events.get(correlationId);
    Set<String> members = correlations.get(correlationId);
    if (root == null || root.event == null || !correlationId.equals(root.event.correlationId())) {
      return collect(members, limit);
    }
    Set<String> ids = new LinkedHashSet<>();
    ids.add(correlationId);
    if (members != null) {
      ids.addAll(members);
    }
    return collect(ids, limit);
  }

  private List<EventRecord> collect(Set<String> ids, int limit) {
    if (ids == null) {
      return List.of();
    }
    List<EventRecord> out = new ArrayList<>();
    for (String id : ids) {
      Entry e = events.get(id);
      if (e != null && e.event != null) {
        out.add(toRecord(e));
      }
    }
    out.sort(TIME_ORDER);
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /**
   * @return how many events (and step holders) are kept
   */
  public synchronized int size() {
    return events.size();
  }

  @Override
  public void close() {}
}
