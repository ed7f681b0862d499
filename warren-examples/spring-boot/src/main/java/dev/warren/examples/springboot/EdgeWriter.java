package dev.warren.examples.springboot;

import dev.warren.Event;
import dev.warren.spring.boot.WarrenListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Writes one user→product edge per interaction event, keyed by the event's id, so an event handled
 * twice (redelivered, replayed) still makes one edge.
 */
@Component
class EdgeWriter {
  /** A user→product edge of the interaction graph. */
  record Edge(String eventId, String user, String product, String kind, int weight) {}

  private final Catalog catalog;
  private final Map<String, Edge> edges = new ConcurrentHashMap<>();

  EdgeWriter(Catalog catalog) {
    this.catalog = catalog;
  }

  @WarrenListener(
      subscription = "${interactions.edges:interactions.edges}",
      pattern = "interaction.#",
      concurrency = "3",
      prefetch = "20",
      immediateRetries = "1",
      retryDelays = "200ms",
      nonRetryable = UnknownProductException.class)
  void write(Interaction interaction, Event event) {
    if (!catalog.knows(interaction.product())) {
      throw new UnknownProductException(interaction.product());
    }
    edges.putIfAbsent(
        event.id(),
        new Edge(
            event.id(),
            interaction.user(),
            interaction.product(),
            interaction.kind(),
            interaction.weight()));
  }

  int count() {
    return edges.size();
  }

  long totalWeight() {
    return edges.values().stream().mapToLong(Edge::weight).sum();
  }
}
