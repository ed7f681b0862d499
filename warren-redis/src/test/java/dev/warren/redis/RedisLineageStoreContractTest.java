package dev.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.lineage.EventRecord;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import dev.warren.testkit.LineageStoreContractTest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The lineage store contract on a real Redis ({@code WARREN_TEST_REDIS_URL}, default the local
 * one), under a key prefix of its own deleted afterwards. With {@code CI=true} an unreachable Redis
 * fails; otherwise the test is skipped.
 */
class RedisLineageStoreContractTest extends LineageStoreContractTest {
  private static final String BASE_URL =
      System.getenv().getOrDefault("WARREN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");

  private static String prefix;

  @BeforeAll
  static void newPrefix() {
    boolean up;
    String why = "";
    try (JedisPooled r = new JedisPooled(URI.create(BASE_URL))) {
      up = "PONG".equals(r.ping());
    } catch (RuntimeException e) {
      up = false;
      why = e.getMessage();
    }
    if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("Redis is not reachable at " + BASE_URL + " (CI=true): " + why);
    }
    Assumptions.assumeTrue(up, "Redis is not reachable at " + BASE_URL + ": " + why);
    prefix = "warren-lineage-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  @AfterAll
  static void deleteKeys() {
    if (prefix == null) {
      return;
    }
    try (JedisPooled r = new JedisPooled(URI.create(BASE_URL))) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = r.scan(cursor, new ScanParams().match(prefix + "*").count(500));
        for (String key : page.getResult()) {
          r.del(key);
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
  }

  private static String url() {
    return BASE_URL + "?prefix=" + prefix + "&lineageTtl=1h";
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
    try (JedisPooled r = new JedisPooled(URI.create(BASE_URL))) {
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
