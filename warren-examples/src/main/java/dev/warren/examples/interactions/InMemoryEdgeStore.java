package dev.warren.examples.interactions;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The edge table in memory, for a machine without PostgreSQL. */
final class InMemoryEdgeStore implements EdgeStore {
  private final Map<String, Edge> edges = new ConcurrentHashMap<>();

  @Override
  public boolean insert(Edge edge) {
    return edges.putIfAbsent(edge.eventId(), edge) == null;
  }

  @Override
  public long count() {
    return edges.size();
  }

  @Override
  public long totalWeight() {
    return edges.values().stream().mapToLong(Edge::weight).sum();
  }

  @Override
  public List<String> heaviest(int limit) {
    Map<String, Integer> byPair =
        edges.values().stream()
            .collect(
                Collectors.groupingBy(
                    e -> e.user() + "→" + e.product(), Collectors.summingInt(Edge::weight)));
    return byPair.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .map(e -> e.getKey() + " " + e.getValue())
        .toList();
  }

  @Override
  public String describe() {
    return "the in-memory edge table (set "
        + JDBC_URL
        + "=jdbc:postgresql://… to write to PostgreSQL)";
  }

  @Override
  public void close() {}
}
