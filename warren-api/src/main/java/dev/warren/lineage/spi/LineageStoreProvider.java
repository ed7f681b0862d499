package dev.warren.lineage.spi;

/**
 * Creates a {@link LineageStore} for a store URL; found through {@link java.util.ServiceLoader}, so
 * adding warren-postgres or warren-redis makes {@code jdbc:postgresql://…} or {@code redis://…} in
 * {@code WARREN_STORE_URL} keep lineage there too.
 */
public interface LineageStoreProvider {
  /**
   * @param url a store URL
   * @return whether this provider handles it (by scheme)
   */
  boolean supports(String url);

  /**
   * Connects, creating tables or keys if needed.
   *
   * @param url the store URL
   * @return a ready store
   * @throws dev.warren.WarrenException when it cannot be reached
   */
  LineageStore create(String url);
}
