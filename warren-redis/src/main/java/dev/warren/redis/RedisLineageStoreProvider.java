package dev.warren.redis;

import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageStoreProvider;

/** {@code redis://…} and {@code rediss://…}: a {@link RedisLineageStore}. */
public final class RedisLineageStoreProvider implements LineageStoreProvider {
  @Override
  public boolean supports(String url) {
    return url.startsWith("redis:") || url.startsWith("rediss:");
  }

  @Override
  public LineageStore create(String url) {
    return RedisLineageStore.connect(url);
  }
}
