package dev.warren.postgres;

import dev.warren.tasks.spi.TaskStore;
import dev.warren.tasks.spi.TaskStoreProvider;

/** {@code jdbc:postgresql://…}: a {@link PostgresTaskStore}. */
public final class PostgresTaskStoreProvider implements TaskStoreProvider {
  @Override
  public boolean supports(String url) {
    return url.startsWith("jdbc:postgresql:");
  }

  @Override
  public TaskStore create(String url) {
    return PostgresTaskStore.connect(url);
  }
}
