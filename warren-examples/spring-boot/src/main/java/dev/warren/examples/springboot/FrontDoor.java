package dev.warren.examples.springboot;

import dev.warren.BrokerUnavailableException;
import dev.warren.Event;
import dev.warren.Warren;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shop's HTTP side: takes batches of interactions and answers once the broker confirmed every
 * one of them; shows the sinks' totals; adds products to the catalog.
 */
@RestController
class FrontDoor {
  /**
   * What the sinks hold.
   *
   * @param edges edges written
   * @param weight their total weight
   * @param counted interactions counted
   * @param users each user's counts by kind
   */
  record Totals(int edges, long weight, int counted, Map<String, Map<String, Long>> users) {}

  private final Warren warren;
  private final Catalog catalog;
  private final EdgeWriter edges;
  private final UserCounters counters;

  FrontDoor(Warren warren, Catalog catalog, EdgeWriter edges, UserCounters counters) {
    this.warren = warren;
    this.catalog = catalog;
    this.edges = edges;
    this.counters = counters;
  }

  @PostMapping("/interactions")
  ResponseEntity<Map<String, List<String>>> post(@RequestBody List<Interaction> batch) {
    // why: published together, confirmed together: the batch costs one round of confirms
    List<CompletableFuture<Event>> published =
        batch.stream().map(i -> warren.publish(i.eventType(), i)).toList();
    List<String> ids = published.stream().map(CompletableFuture::join).map(Event::id).toList();
    return ResponseEntity.accepted().body(Map.of("ids", ids));
  }

  @GetMapping("/totals")
  Totals totals() {
    return new Totals(edges.count(), edges.totalWeight(), counters.total(), counters.snapshot());
  }

  @PutMapping("/products/{id}")
  ResponseEntity<Void> addProduct(@PathVariable String id) {
    catalog.add(id);
    return ResponseEntity.noContent().build();
  }

  @ExceptionHandler(CompletionException.class)
  ResponseEntity<Map<String, String>> publishFailed(CompletionException e) {
    HttpStatus status =
        e.getCause() instanceof BrokerUnavailableException
            ? HttpStatus.SERVICE_UNAVAILABLE
            : HttpStatus.INTERNAL_SERVER_ERROR;
    return ResponseEntity.status(status).body(Map.of("error", String.valueOf(e.getCause())));
  }
}
