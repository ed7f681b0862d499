package dev.warren.schedules.spi;

/**
 * Creates a {@link ScheduleStore} for a store URL; found through {@link java.util.ServiceLoader},
 * like {@link dev.warren.tasks.spi.TaskStoreProvider}, so schedules live where tasks do.
 */
public interface ScheduleStoreProvider {
  /**
   * @param url a store URL
   * @return whether this provider handles it (by scheme)
   */
  boolean supports(String url);

  /**
   * Connects, creating the schema if needed.
   *
   * @param url the store URL
   * @return a ready store
   * @throws dev.warren.tasks.TaskStoreException when it cannot be reached
   */
  ScheduleStore create(String url);
}
