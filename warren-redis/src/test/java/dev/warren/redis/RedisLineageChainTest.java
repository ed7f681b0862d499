package dev.warren.redis;

import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.testkit.LineageChainContractTest;
import dev.warren.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The three-hop chain with lineage kept in Redis, found by ServiceLoader from the options' store
 * URL, under a key prefix of its own deleted afterwards.
 */
class RedisLineageChainTest extends LineageChainContractTest {
  private static String prefix;
  private final InMemoryBroker broker = new InMemoryBroker();

  @BeforeAll
  static void usePrefix() {
    prefix = TestRedis.newPrefix("warren-lineage-chain");
  }

  @AfterAll
  static void deleteKeys() {
    // why: the chain passes on any store; make sure it was this one
    if (prefix != null && TestRedis.deleteKeys(prefix) == 0) {
      throw new AssertionError("no lineage was written to Redis under " + prefix);
    }
  }

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.MEMORY)
        .storeUrl(TestRedis.BASE_URL + "?prefix=" + prefix);
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return new InMemoryTransport(broker);
  }
}
