package dev.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskStore;
import dev.warren.testkit.TaskStoreContractTest;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

  @Test
  void aTaskRedisExpiredLeavesTheListingAndItsIndex() {
    TaskStatus kept = status(TaskState.PENDING);
    TaskStatus expired = status(TaskState.PENDING);
    try (RedisTaskStore store = RedisTaskStore.connect(url());
        JedisPooled r = new JedisPooled(java.net.URI.create(BASE_URL))) {
      store.put(kept);
      store.put(expired);
      r.del(prefix + "task:" + expired.id()); // as Redis does when the key's PXAT passes

      assertThat(store.list(Set.of(), kept.name(), 1_000))
          .extracting(TaskStatus::id)
          .contains(kept.id())
          .doesNotContain(expired.id());
      assertThat(r.zscore(prefix + "tasks", expired.id())).isNull();
      assertThat(r.zscore(prefix + "tasks", kept.id())).isNotNull();
    }
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
