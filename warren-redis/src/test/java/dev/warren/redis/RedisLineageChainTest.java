package dev.warren.redis;

import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.internal.tasks.TaskStoreConfig;
import dev.warren.testkit.LineageChainContractTest;
import dev.warren.transport.Transport;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The three-hop chain with lineage kept in Redis, found by ServiceLoader from {@code
 * WARREN_STORE_URL} (here its system property), under a key prefix of its own deleted afterwards.
 */
class RedisLineageChainTest extends LineageChainContractTest {
  private static final String BASE_URL =
      System.getenv().getOrDefault("WARREN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");

  private static String prefix;
  private final InMemoryBroker broker = new InMemoryBroker();

  @BeforeAll
  static void usePrefix() {
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
    prefix = "warren-lineage-chain-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    System.setProperty(TaskStoreConfig.PROPERTY, BASE_URL + "?prefix=" + prefix);
  }

  @AfterAll
  static void deleteKeys() {
    System.clearProperty(TaskStoreConfig.PROPERTY);
    if (prefix == null) {
      return;
    }
    try (JedisPooled r = new JedisPooled(URI.create(BASE_URL))) {
      String cursor = ScanParams.SCAN_POINTER_START;
      int deleted = 0;
      do {
        ScanResult<String> page = r.scan(cursor, new ScanParams().match(prefix + "*").count(500));
        for (String key : page.getResult()) {
          deleted += (int) r.del(key);
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
      // why: the chain passes on any store; make sure it was this one
      if (deleted == 0) {
        throw new AssertionError("no lineage was written to Redis under " + prefix);
      }
    }
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder().transport(WarrenOptions.TransportKind.MEMORY);
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return new InMemoryTransport(broker);
  }
}
