package dev.warren;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link IdempotencyStore} in memory: the most recent ids per subscription, oldest forgotten
 * first. Per instance: competing instances each remember what they handled.
 */
public final class BoundedIdempotencyStore implements IdempotencyStore {
  private final int capacity;
  private final Map<String, Boolean> seen;

  /**
   * @param capacity how many ids to remember
   */
  public BoundedIdempotencyStore(int capacity) {
    if (capacity < 1) {
      throw new InvalidInputException("capacity " + capacity + " must be positive");
    }
    this.capacity = capacity;
    this.seen =
        new LinkedHashMap<>(1024, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > BoundedIdempotencyStore.this.capacity;
          }
        };
  }

  @Override
  public synchronized boolean contains(String subscription, String eventId) {
    return seen.containsKey(subscription + '\n' + eventId);
  }

  @Override
  public synchronized void add(String subscription, String eventId) {
    seen.put(subscription + '\n' + eventId, Boolean.TRUE);
  }
}
