package dev.warren.internal.lineage;

import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Lineage;
import dev.warren.lineage.LineageNode;
import dev.warren.lineage.LineageTree;
import dev.warren.lineage.spi.LineageStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@link Lineage} over any {@link LineageStore}: the tree walk is written once, here, not per
 * store. Used by the recorder of a running instance and by tools that read a store directly ({@code
 * warren trace}).
 */
public final class LineageQueries implements Lineage {
  private final Supplier<LineageStore> store;
  private final LongSupplier dropped;

  /**
   * @param store the store, asked on every query (it may be reconnecting)
   * @param dropped how many records were dropped, for {@link #dropped()}
   */
  public LineageQueries(Supplier<LineageStore> store, LongSupplier dropped) {
    this.store = store;
    this.dropped = dropped;
  }

  /**
   * @param store a store
   * @return queries on it, reporting nothing dropped
   */
  public static LineageQueries on(LineageStore store) {
    return new LineageQueries(() -> store, () -> 0);
  }

  @Override
  public long dropped() {
    return dropped.getAsLong();
  }

  @Override
  public Optional<EventRecord> event(String eventId) {
    return store.get().event(eventId);
  }

  @Override
  public List<EventRecord> correlation(String correlationId) {
    return store.get().correlation(correlationId, MAX_EVENTS);
  }

  @Override
  public Optional<LineageTree> tree(String eventId) {
    LineageStore s = store.get();
    Optional<EventRecord> start = s.event(eventId);
    if (start.isEmpty()) {
      return Optional.empty();
    }
    // up: every ancestor without a known parent is a root
    Map<String, EventRecord> roots = new LinkedHashMap<>();
    Set<String> visited = new HashSet<>();
    Deque<EventRecord> todo = new ArrayDeque<>(List.of(start.get()));
    boolean truncated = false;
    while (!todo.isEmpty()) {
      EventRecord e = todo.pop();
      if (!visited.add(e.id())) {
        continue;
      }
      if (visited.size() > MAX_EVENTS) {
        truncated = true;
        roots.putIfAbsent(e.id(), e);
        continue;
      }
      boolean hasKnownParent = false;
      for (String parent : e.parentIds()) {
        Optional<EventRecord> p = s.event(parent);
        if (p.isPresent()) {
          hasKnownParent = true;
          todo.push(p.get());
        }
      }
      if (!hasKnownParent) {
        roots.putIfAbsent(e.id(), e);
      }
    }
    // down: what each root caused, within one budget for the whole tree
    int[] budget = {MAX_EVENTS};
    boolean[] cut = {truncated};
    List<LineageNode> nodes = new ArrayList<>();
    roots.values().stream()
        .sorted(InMemoryLineageStore.TIME_ORDER)
        .forEach(r -> nodes.add(down(s, r, new HashSet<>(), budget, cut)));
    return Optional.of(new LineageTree(eventId, nodes, cut[0]));
  }

  private static LineageNode down(
      LineageStore s, EventRecord e, Set<String> path, int[] budget, boolean[] cut) {
    budget[0]--;
    path.add(e.id());
    List<LineageNode> children = new ArrayList<>();
    for (EventRecord child : s.children(e.id(), MAX_EVENTS)) {
      if (path.contains(child.id())) {
        continue; // why: ids are chosen by publishers, so a cycle is possible; never loop
      }
      if (budget[0] <= 0) {
        cut[0] = true;
        break;
      }
      children.add(down(s, child, path, budget, cut));
    }
    path.remove(e.id());
    return new LineageNode(e, children);
  }
}
