package dev.warren.internal.schedules;

import dev.warren.internal.tasks.TaskStoreConfig;
import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.schedules.spi.ScheduleStoreProvider;
import dev.warren.tasks.TaskStoreException;
import java.util.ServiceLoader;

/** Finds the {@link ScheduleStoreProvider} for the store URL, the one tasks use too. */
public final class ScheduleStores {
  private ScheduleStores() {}

  /**
   * @param config the store configuration
   * @return a connected store
   * @throws TaskStoreException when no provider supports the URL or the store cannot be reached
   */
  public static ScheduleStore open(TaskStoreConfig config) {
    String url = config.url();
    for (ScheduleStoreProvider p :
        ServiceLoader.load(ScheduleStoreProvider.class, ScheduleStores.class.getClassLoader())) {
      if (p.supports(url)) {
        return p.create(url);
      }
    }
    throw new TaskStoreException(
        "no schedule store for store URL '"
            + config.urlForDisplay()
            + "': use memory:, jdbc:postgresql://… (add warren-postgres) or redis://… (add"
            + " warren-redis)");
  }
}
