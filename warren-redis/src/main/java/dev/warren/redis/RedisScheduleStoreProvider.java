package dev.warren.redis;

import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.schedules.spi.ScheduleStoreProvider;

/** {@code redis://…} and {@code rediss://…}: a {@link RedisScheduleStore}. */
public final class RedisScheduleStoreProvider implements ScheduleStoreProvider {
  @Override
  public boolean supports(String url) {
    return url.startsWith("redis:") || url.startsWith("rediss:");
  }

  @Override
  public ScheduleStore create(String url) {
    return RedisScheduleStore.connect(url);
  }
}
