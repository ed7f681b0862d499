package dev.warren.examples.interactions;

import dev.warren.Event;
import dev.warren.EventHandler;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counter worker's handler: per-user counts of views, carts and purchases, deduplicated by
 * event id so a duplicate or redelivered event is counted once.
 */
final class UserCounters implements EventHandler {
  private final Set<String> counted = ConcurrentHashMap.newKeySet();
  private final Map<String, UserCounts> byUser = new ConcurrentHashMap<>();
  private final AtomicLong duplicates = new AtomicLong();

  @Override
  public void handle(Event event) {
    Interaction i = event.data(Interaction.class);
    // why: the id is claimed before counting; counting cannot fail afterwards, so no event is lost
    if (!counted.add(event.id())) {
      duplicates.incrementAndGet();
      return;
    }
    byUser.merge(i.user(), UserCounts.of(i.kind()), UserCounts::plus);
  }

  /**
   * @return the counters, by user in name order
   */
  Map<String, UserCounts> snapshot() {
    return new TreeMap<>(byUser);
  }

  /**
   * @return events counted
   */
  long counted() {
    return counted.size();
  }

  /**
   * @return duplicate events skipped
   */
  long duplicates() {
    return duplicates.get();
  }
}
