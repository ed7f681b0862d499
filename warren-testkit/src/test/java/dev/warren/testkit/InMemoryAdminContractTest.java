package dev.warren.testkit;

import dev.warren.WarrenOptions;

/** The admin contract on the embedded in-memory broker. */
class InMemoryAdminContractTest extends AdminContractTest {
  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder().transport(WarrenOptions.TransportKind.MEMORY);
  }
}
