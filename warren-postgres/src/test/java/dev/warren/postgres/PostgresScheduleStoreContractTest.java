package dev.warren.postgres;

import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.testkit.ScheduleStoreContractTest;
import dev.warren.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The schedule store contract on a real PostgreSQL, in a schema of its own dropped afterwards. */
class PostgresScheduleStoreContractTest extends ScheduleStoreContractTest {
  private static String schema;

  @BeforeAll
  static void newSchema() {
    schema = TestDatabase.newSchema("warren_sched");
  }

  @AfterAll
  static void dropSchema() {
    TestDatabase.drop(schema);
  }

  @Override
  protected ScheduleStore createStore() {
    return PostgresScheduleStore.connect(TestDatabase.urlWith(schema));
  }

  @Override
  protected ScheduleStore reopen() {
    return PostgresScheduleStore.connect(TestDatabase.urlWith(schema));
  }
}
