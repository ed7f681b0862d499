package dev.warren.internal.schedules;

import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.schedules.spi.ScheduleStoreProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code memory:} (or {@code memory:<name>}): a process-wide schedule store per name, as for tasks.
 */
public final class InMemoryScheduleStoreProvider implements ScheduleStoreProvider {
  private static final Map<String, InMemoryScheduleStore> STORES = new ConcurrentHashMap<>();

  @Override
  public boolean supports(String url) {
    return url.startsWith("memory:");
  }

  @Override
  public ScheduleStore create(String url) {
    return STORES.computeIfAbsent(url, u -> new InMemoryScheduleStore());
  }
}
