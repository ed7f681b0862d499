package dev.warren.testkit;

import dev.warren.internal.tasks.InMemoryTaskStore;
import dev.warren.tasks.spi.TaskStore;

/** The task store contract on the in-memory store. */
class InMemoryTaskStoreContractTest extends TaskStoreContractTest {
  private InMemoryTaskStore shared;

  @Override
  protected TaskStore createStore() {
    shared = new InMemoryTaskStore();
    return shared;
  }

  @Override
  protected TaskStore reopen() {
    return shared;
  }
}
