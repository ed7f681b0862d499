package dev.warren.testkit;

import dev.warren.internal.lineage.InMemoryLineageStore;
import dev.warren.lineage.spi.LineageStore;

/** The lineage store contract on the bounded in-memory store. */
class InMemoryLineageStoreContractTest extends LineageStoreContractTest {
  private InMemoryLineageStore shared;

  @Override
  protected LineageStore createStore() {
    shared = new InMemoryLineageStore(10_000);
    return shared;
  }

  @Override
  protected LineageStore reopen() {
    return shared;
  }
}
