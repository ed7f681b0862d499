package dev.warren.examples.interactions;

import dev.warren.Event;
import dev.warren.EventHandler;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The edge worker's handler: writes one user→product edge per interaction. It fails on purpose in
 * two ways, so the run shows both kinds of failure handling:
 *
 * <ul>
 *   <li>the first attempt at every tenth interaction fails as a dropped database connection would;
 *       the immediate retry succeeds;
 *   <li>an interaction with a product the worker's catalog does not know fails on every attempt, so
 *       it ends in the dead-letter queue, until the product is {@linkplain #learn added} and the
 *       dead letters are replayed.
 * </ul>
 *
 * <p>Writes are idempotent by event id, so a duplicate or a redelivered event adds no second edge.
 */
final class EdgeWriter implements EventHandler {
  private final EdgeStore store;
  private final Set<String> catalog = ConcurrentHashMap.newKeySet();
  private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
  private final AtomicLong transientFailures = new AtomicLong();
  private final AtomicLong unknownProductFailures = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();

  /**
   * @param store where edges go
   * @param catalog the products the worker knows at start
   */
  EdgeWriter(EdgeStore store, Iterable<String> catalog) {
    this.store = store;
    catalog.forEach(this.catalog::add);
  }

  /**
   * @param interaction an interaction
   * @return whether the writer fails its first attempt on purpose
   */
  static boolean failsFirstAttempt(Interaction interaction) {
    return interaction.seq() % 10 == 0;
  }

  @Override
  public void handle(Event event) throws Exception {
    Interaction i = event.data(Interaction.class);
    if (failsFirstAttempt(i) && failedOnce.add(event.id())) {
      transientFailures.incrementAndGet();
      throw new SQLTransientConnectionException(
          "simulated: connection reset while writing the edge of interaction " + i.seq());
    }
    if (!catalog.contains(i.product())) {
      unknownProductFailures.incrementAndGet();
      throw new UnknownProductException(i.product());
    }
    Edge edge = new Edge(event.id(), i.user(), i.product(), i.kind(), i.weight(), event.time());
    if (store.insert(edge)) {
      written.incrementAndGet();
    } else {
      duplicates.incrementAndGet();
    }
  }

  /**
   * Adds a product to the catalog: the fix that lets its dead letters through on replay.
   *
   * @param product the product id
   */
  void learn(String product) {
    catalog.add(product);
  }

  /**
   * @return attempts failed as a dropped connection (each retried at once)
   */
  long transientFailures() {
    return transientFailures.get();
  }

  /**
   * @return attempts failed for a product missing from the catalog
   */
  long unknownProductFailures() {
    return unknownProductFailures.get();
  }

  /**
   * @return edges written
   */
  long written() {
    return written.get();
  }

  /**
   * @return events whose edge already existed (duplicates), skipped
   */
  long duplicates() {
    return duplicates.get();
  }
}
