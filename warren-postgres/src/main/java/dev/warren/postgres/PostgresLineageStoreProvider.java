package dev.warren.postgres;

import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageStoreProvider;

/** {@code jdbc:postgresql://…}: a {@link PostgresLineageStore}. */
public final class PostgresLineageStoreProvider implements LineageStoreProvider {
  @Override
  public boolean supports(String url) {
    return url.startsWith("jdbc:postgresql:");
  }

  @Override
  public LineageStore create(String url) {
    return PostgresLineageStore.connect(url);
  }
}
