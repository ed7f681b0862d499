package dev.warren.testkit;

import dev.warren.internal.schedules.InMemoryScheduleStore;
import dev.warren.schedules.spi.ScheduleStore;

/** The schedule store contract on the in-memory store. */
class InMemoryScheduleStoreContractTest extends ScheduleStoreContractTest {
  private InMemoryScheduleStore shared;

  @Override
  protected ScheduleStore createStore() {
    shared = new InMemoryScheduleStore();
    return shared;
  }

  @Override
  protected ScheduleStore reopen() {
    return shared;
  }
}
