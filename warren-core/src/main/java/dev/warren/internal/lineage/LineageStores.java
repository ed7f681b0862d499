package dev.warren.internal.lineage;

import dev.warren.WarrenException;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageStoreProvider;
import java.util.ServiceLoader;

/** Finds the {@link LineageStoreProvider} for a store URL. */
public final class LineageStores {
  private LineageStores() {}

  /**
   * @param url the store URL, as in {@code WARREN_STORE_URL}
   * @param display the URL without its password, for messages
   * @return a connected store
   * @throws WarrenException when no provider supports the URL or the store cannot be reached
   */
  public static LineageStore open(String url, String display) {
    for (LineageStoreProvider p :
        ServiceLoader.load(LineageStoreProvider.class, LineageStores.class.getClassLoader())) {
      if (p.supports(url)) {
        return p.create(url);
      }
    }
    throw new WarrenException(
        "no lineage store for WARREN_STORE_URL '"
            + display
            + "': use memory:, jdbc:postgresql://… (add warren-postgres) or redis://… (add"
            + " warren-redis)");
  }
}
