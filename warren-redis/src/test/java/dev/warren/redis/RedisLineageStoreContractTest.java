package dev.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.lineage.EventRecord;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import dev.warren.testkit.LineageStoreContractTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The lineage store contract on a real Redis ({@code WARREN_TEST_REDIS_URL}, default the local
 * one), under a key prefix of its own deleted afterwards. With {@code CI=true} an unreachable Redis
 * fails; otherwise the test is skipped.
 */
class RedisLineageStoreContractTest extends LineageStoreContractTest {
  private static String prefix;

  @BeforeAll
  static void newPrefix() {
    prefix = TestRedis.newPrefix("warren-lineage-test");
  }

  @AfterAll
  static void deleteKeys() {
    TestRedis.deleteKeys(prefix);
  }

  private static String url() {
    return TestRedis.BASE_URL + "?prefix=" + prefix + "&lineageTtl=1h";
  }

  @Override
  protected LineageStore createStore() {
    return RedisLineageStore.connect(url());
  }

  @Override
  protected LineageStore reopen() {
    return RedisLineageStore.connect(url());
  }

  @Test
  void everyKeyExpires() {
    String id = UUID.randomUUID().toString();
    store.write(
        List.of(
            new LineageWrite.EventSeen(
                new EventRecord(
                    id, "t", "/s", Instant.now(), "c-" + id, List.of("p-" + id), 0, List.of()))));
    try (JedisPooled r = TestRedis.client()) {
      for (String key :
          List.of(
              prefix + "lineage:e:" + id,
              prefix + "lineage:c:p-" + id,
              prefix + "lineage:k:c-" + id)) {
        assertThat(r.ttl(key)).as(key).isBetween(3500L, 3600L);
      }
    }
  }
}
