package dev.warren.redis;

import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis the tests use ({@code WARREN_TEST_REDIS_URL}, default the local one), each test class
 * under a key prefix of its own whose keys it deletes afterwards. With {@code CI=true} an
 * unreachable Redis fails the test; otherwise the test is skipped.
 */
final class TestRedis {
  static final String BASE_URL =
      System.getenv().getOrDefault("WARREN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");

  private TestRedis() {}

  /**
   * @return a client on the test Redis; the caller closes it
   */
  static JedisPooled client() {
    return new JedisPooled(URI.create(BASE_URL));
  }

  /**
   * Checks Redis answers (skipping, or failing on CI, when it does not) and names a fresh prefix.
   *
   * @param name what the prefix starts with
   * @return a key prefix no other run uses, ending in {@code :}
   */
  static String newPrefix(String name) {
    boolean up;
    String why = "";
    try (JedisPooled r = client()) {
      up = "PONG".equals(r.ping());
    } catch (RuntimeException e) {
      up = false;
      why = e.getMessage();
    }
    if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("Redis is not reachable at " + BASE_URL + " (CI=true): " + why);
    }
    Assumptions.assumeTrue(up, "Redis is not reachable at " + BASE_URL + ": " + why);
    return name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /**
   * @param prefix a key prefix, or {@code null} for none
   * @return how many keys under it were deleted
   */
  static int deleteKeys(String prefix) {
    if (prefix == null) {
      return 0;
    }
    int deleted = 0;
    try (JedisPooled r = client()) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = r.scan(cursor, new ScanParams().match(prefix + "*").count(500));
        for (String key : page.getResult()) {
          deleted += (int) r.del(key);
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
    return deleted;
  }
}
