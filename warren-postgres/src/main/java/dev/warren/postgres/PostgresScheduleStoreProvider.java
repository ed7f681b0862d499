package dev.warren.postgres;

import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.schedules.spi.ScheduleStoreProvider;

/** {@code jdbc:postgresql://…}: a {@link PostgresScheduleStore}. */
public final class PostgresScheduleStoreProvider implements ScheduleStoreProvider {
  @Override
  public boolean supports(String url) {
    return url.startsWith("jdbc:postgresql:");
  }

  @Override
  public ScheduleStore create(String url) {
    return PostgresScheduleStore.connect(url);
  }
}
