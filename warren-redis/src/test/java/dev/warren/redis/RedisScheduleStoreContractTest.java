package dev.warren.redis;

import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.testkit.ScheduleStoreContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The schedule store contract on a real Redis, under a key prefix deleted afterwards. */
class RedisScheduleStoreContractTest extends ScheduleStoreContractTest {
  private static String prefix;

  @BeforeAll
  static void newPrefix() {
    prefix = TestRedis.newPrefix("warren-sched");
  }

  @AfterAll
  static void deleteKeys() {
    TestRedis.deleteKeys(prefix);
  }

  @Override
  protected ScheduleStore createStore() {
    return RedisScheduleStore.connect(TestRedis.BASE_URL + "?prefix=" + prefix);
  }

  @Override
  protected ScheduleStore reopen() {
    return createStore();
  }
}
