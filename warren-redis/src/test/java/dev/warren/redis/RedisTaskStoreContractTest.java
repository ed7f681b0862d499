package dev.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskStore;
import dev.warren.testkit.TaskStoreContractTest;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The task store contract on a real Redis ({@code WARREN_TEST_REDIS_URL}, default the local one),
 * under a key prefix of its own deleted afterwards. With {@code CI=true} an unreachable Redis
 * fails; otherwise the test is skipped.
 */
class RedisTaskStoreContractTest extends TaskStoreContractTest {
  private static String prefix;

  @BeforeAll
  static void newPrefix() {
    prefix = TestRedis.newPrefix("warren-test");
  }

  @AfterAll
  static void deleteKeys() {
    TestRedis.deleteKeys(prefix);
  }

  static String url() {
    return url(prefix);
  }

  static String url(String prefix) {
    return TestRedis.BASE_URL + "?prefix=" + prefix;
  }

  @Test
  void aTaskRedisExpiredLeavesTheListingAndItsIndex() {
    TaskStatus kept = status(TaskState.PENDING);
    TaskStatus expired = status(TaskState.PENDING);
    try (RedisTaskStore store = RedisTaskStore.connect(url());
        JedisPooled r = TestRedis.client()) {
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
