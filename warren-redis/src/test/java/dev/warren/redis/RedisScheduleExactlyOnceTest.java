package dev.warren.redis;

import dev.warren.testkit.ScheduleExactlyOnceContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Exactly one firing per slot with three instance JVMs, one killed, on RabbitMQ and Redis, under a
 * key prefix of its own deleted afterwards.
 */
class RedisScheduleExactlyOnceTest extends ScheduleExactlyOnceContractTest {
  private static String prefix;

  @BeforeAll
  static void newPrefix() {
    prefix = TestRedis.newPrefix("warren-sched-once");
  }

  @AfterAll
  static void deleteKeys() {
    TestRedis.deleteKeys(prefix);
  }

  @Override
  protected String storeUrl() {
    return TestRedis.BASE_URL + "?prefix=" + prefix;
  }
}
