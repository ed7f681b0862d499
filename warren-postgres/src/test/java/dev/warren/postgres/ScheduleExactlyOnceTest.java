package dev.warren.postgres;

import dev.warren.testkit.ScheduleExactlyOnceContractTest;
import dev.warren.testkit.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Exactly one firing per slot with three instance JVMs, one killed, on RabbitMQ and a PostgreSQL
 * schema of its own dropped afterwards.
 */
class ScheduleExactlyOnceTest extends ScheduleExactlyOnceContractTest {
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
  protected String storeUrl() {
    return TestDatabase.urlWith(schema);
  }
}
