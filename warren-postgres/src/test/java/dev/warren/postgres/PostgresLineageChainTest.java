package dev.warren.postgres;

import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.testkit.LineageChainContractTest;
import dev.warren.testkit.TestDatabase;
import dev.warren.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The three-hop chain with lineage kept in PostgreSQL, found by ServiceLoader from the options'
 * store URL, in a schema of its own dropped afterwards.
 */
class PostgresLineageChainTest extends LineageChainContractTest {
  private static String schema;
  private final InMemoryBroker broker = new InMemoryBroker();

  @BeforeAll
  static void useSchema() {
    schema = TestDatabase.newSchema("warren_lineage_chain");
  }

  @AfterAll
  static void dropSchema() {
    if (schema == null) {
      return;
    }
    try {
      // why: the chain passes on any store; make sure it was this one
      if (TestDatabase.rows(schema, "warren_lineage_event") == 0) {
        throw new AssertionError("no lineage was written to PostgreSQL schema " + schema);
      }
    } finally {
      TestDatabase.drop(schema);
    }
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.MEMORY)
        .storeUrl(TestDatabase.urlWith(schema));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return new InMemoryTransport(broker);
  }
}
