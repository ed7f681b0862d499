package dev.warren.postgres;

import dev.warren.lineage.spi.LineageStore;
import dev.warren.testkit.LineageStoreContractTest;
import dev.warren.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The lineage store contract on a real PostgreSQL ({@code WARREN_TEST_POSTGRES_URL}, default the
 * local one), in a schema of its own dropped afterwards. With {@code CI=true} an unreachable
 * database fails; otherwise the test is skipped.
 */
class PostgresLineageStoreContractTest extends LineageStoreContractTest {
  private static String schema;

  @BeforeAll
  static void newSchema() {
    schema = TestDatabase.newSchema("warren_lineage_test");
  }

  @AfterAll
  static void dropSchema() {
    TestDatabase.drop(schema);
  }

  private static String url() {
    return TestDatabase.urlWith(schema);
  }

  @Override
  protected LineageStore createStore() {
    return PostgresLineageStore.connect(url());
  }

  @Override
  protected LineageStore reopen() {
    return PostgresLineageStore.connect(url());
  }
}
