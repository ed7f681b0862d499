package dev.warren.internal.tasks;

import dev.warren.tasks.spi.TaskStore;
import dev.warren.tasks.spi.TaskStoreProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code memory:} (or {@code memory:<name>} for a separate one): a process-wide store per name. */
public final class InMemoryTaskStoreProvider implements TaskStoreProvider {
  private static final Map<String, InMemoryTaskStore> STORES = new ConcurrentHashMap<>();

  @Override
  public boolean supports(String url) {
    return url.startsWith("memory:");
  }

  @Override
  public TaskStore create(String url) {
    return STORES.computeIfAbsent(url, u -> new InMemoryTaskStore());
  }
}
