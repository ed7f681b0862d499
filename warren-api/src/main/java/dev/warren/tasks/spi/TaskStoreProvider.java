package dev.warren.tasks.spi;

/**
 * Creates a {@link TaskStore} for a URL; found through {@link java.util.ServiceLoader}, so adding
 * warren-postgres or warren-redis to the class path makes {@code jdbc:postgresql://…} or {@code
 * redis://…} work in {@code WARREN_STORE_URL}.
 */
public interface TaskStoreProvider {
  /**
   * @param url a store URL
   * @return whether this provider handles it (by scheme: {@code memory:}, {@code jdbc:postgresql:},
   *     {@code redis:})
   */
  boolean supports(String url);

  /**
   * Connects, creating the schema if needed.
   *
   * @param url the store URL
   * @return a ready store
   * @throws dev.warren.tasks.TaskStoreException when it cannot be reached
   */
  TaskStore create(String url);
}
