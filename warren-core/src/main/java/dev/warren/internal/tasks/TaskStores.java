package dev.warren.internal.tasks;

import dev.warren.WarrenOptions;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.TaskStore;
import dev.warren.tasks.spi.TaskStoreProvider;
import java.util.ServiceLoader;

/** Finds the {@link TaskStoreProvider} for a store URL. */
public final class TaskStores {
  private TaskStores() {}

  /**
   * @param options an instance's options
   * @return a connected store at their {@link WarrenOptions#storeUrl()}
   * @throws TaskStoreException when no provider supports the URL or the store cannot be reached
   */
  public static TaskStore open(WarrenOptions options) {
    return open(TaskStoreConfig.of(options));
  }

  /**
   * @param config the store configuration
   * @return a connected store
   * @throws TaskStoreException when no provider supports the URL or the store cannot be reached
   */
  public static TaskStore open(TaskStoreConfig config) {
    String url = config.url();
    for (TaskStoreProvider p :
        ServiceLoader.load(TaskStoreProvider.class, TaskStores.class.getClassLoader())) {
      if (p.supports(url)) {
        return p.create(url);
      }
    }
    throw new TaskStoreException(
        "no task store for store URL '"
            + config.urlForDisplay()
            + "': use memory:, jdbc:postgresql://… (add warren-postgres) or redis://… (add"
            + " warren-redis)");
  }
}
