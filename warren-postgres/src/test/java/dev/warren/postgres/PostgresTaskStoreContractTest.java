package dev.warren.postgres;

import dev.warren.tasks.spi.TaskStore;
import dev.warren.testkit.TaskStoreContractTest;
import dev.warren.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The task store contract on a real PostgreSQL ({@code WARREN_TEST_POSTGRES_URL}, default the local
 * one), in a schema of its own dropped afterwards. With {@code CI=true} an unreachable database
 * fails; otherwise the test is skipped.
 */
class PostgresTaskStoreContractTest extends TaskStoreContractTest {
  private static String schema;

  @BeforeAll
  static void newSchema() {
    schema = TestDatabase.newSchema("warren_test");
  }

  @AfterAll
  static void dropSchema() {
    TestDatabase.drop(schema);
  }

  @Override
  protected TaskStore createStore() {
    return PostgresTaskStore.connect(TestDatabase.urlWith(schema));
  }

  @Override
  protected TaskStore reopen() {
    return PostgresTaskStore.connect(TestDatabase.urlWith(schema));
  }
}
