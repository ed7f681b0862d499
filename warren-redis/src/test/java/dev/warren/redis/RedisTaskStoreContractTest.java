package dev.warren.redis;

import dev.warren.tasks.spi.TaskStore;
import dev.warren.testkit.TaskStoreContractTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The task store contract on a real Redis ({@code WARREN_TEST_REDIS_URL}, default the local one),
 * under a key prefix of its own deleted afterwards. With {@code CI=true} an unreachable Redis
 * fails; otherwise the test is skipped.
 */
class RedisTaskStoreContractTest extends TaskStoreContractTest {
  static final String BASE_URL =
      System.getenv().getOrDefault("WARREN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");

  private static String prefix;

  @BeforeAll
  static void newPrefix() {
    boolean up;
    String why = "";
    try (JedisPooled r = new JedisPooled(java.net.URI.create(BASE_URL))) {
      up = "PONG".equals(r.ping());
    } catch (RuntimeException e) {
      up = false;
      why = e.getMessage();
    }
    if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("Redis is not reachable at " + BASE_URL + " (CI=true): " + why);
    }
    Assumptions.assumeTrue(up, "Redis is not reachable at " + BASE_URL + ": " + why);
    prefix = "warren-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  @AfterAll
  static void deleteKeys() {
    if (prefix == null) {
      return;
    }
    try (JedisPooled r = new JedisPooled(java.net.URI.create(BASE_URL))) {
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

  static String url() {
    return BASE_URL + "?prefix=" + prefix;
  }

  @Override
  protected TaskStore createStore() {
    return RedisTaskStore.connect(url());
  }

  @Override
  protected TaskStore reopen() {
    return RedisTaskStore.connect(url());
  }
}
