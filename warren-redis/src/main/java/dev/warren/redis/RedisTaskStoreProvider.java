package dev.warren.redis;

import dev.warren.tasks.spi.TaskStore;
import dev.warren.tasks.spi.TaskStoreProvider;

/** {@code redis://…} and {@code rediss://…}: a {@link RedisTaskStore}. */
public final class RedisTaskStoreProvider implements TaskStoreProvider {
  @Override
  public boolean supports(String url) {
    return url.startsWith("redis:") || url.startsWith("rediss:");
  }

  @Override
  public TaskStore create(String url) {
    return RedisTaskStore.connect(url);
  }
}
