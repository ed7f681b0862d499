package dev.warren.rabbitmq.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.DeadLetter;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node that holds events waiting for their retry (in Warren's wait queue {@code
 * <queue>.wait.<N>ms}) crashes and restarts: every event still ends handled or dead-lettered,
 * exactly once.
 */
@Timeout(value = 150, unit = SECONDS)
class RetriesAcrossNodeRestartTest {
  private static final String QUEUE = "retries";
  private static final int EVENTS = 300;
  // why: wait queues hold powers of two (DelayQueues); 8192 ms and a little more puts every event
  // in the 8192 ms queue (then a short hop for the rest), long enough for the crash and the restart
  // to happen while they wait
  private static final Duration DELAY = Duration.ofMillis(8192 + 300);
  private static final String WAIT_QUEUE = QUEUE + ".wait.8192ms";

  @RegisterExtension final Cluster cluster = new Cluster();

  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();

  /** Every event fails its first attempt; every fifth fails its retry too, and is dead-lettered. */
  private void handle(Event event) {
    int attempt = attempts.computeIfAbsent(event.id(), k -> new AtomicInteger()).incrementAndGet();
    if (attempt == 1) {
      throw new IllegalStateException("the first attempt fails");
    }
    if (Integer.parseInt(event.id().substring(2)) % 5 == 0) {
      throw new IllegalStateException("this one always fails");
    }
    successes.computeIfAbsent(event.id(), k -> new AtomicInteger()).incrementAndGet();
  }

  @Test
  void everyWaitingRetryEndsHandledOrDeadLetteredExactlyOnce() throws Exception {
    try (Warren warren = Warren.create(cluster.options().build())) {
      warren.subscribe(
          Subscription.named(QUEUE)
              .pattern("retry.#")
              .concurrency(4)
              .retry(RetryPolicy.builder().immediateRetries(0).delays(DELAY).jitter(0).build()),
          this::handle);

      List<CompletableFuture<Event>> confirms = new ArrayList<>();
      Set<String> published = new HashSet<>();
      for (int i = 1; i <= EVENTS; i++) {
        String id = "e-" + i;
        published.add(id);
        confirms.add(warren.publish(Event.builder("retry.tick").id(id).jsonData("{}").build()));
      }
      CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, SECONDS);

      // every event failed once and waits in the wait queue
      await().atMost(20, SECONDS).until(() -> attempts.size() == EVENTS);
      await()
          .atMost(20, SECONDS)
          .ignoreExceptions() // why: the wait queue is declared when the first event is parked
          .until(() -> cluster.messageCount(WAIT_QUEUE) == EVENTS);
      assertThat(successes).isEmpty();
      int holder = cluster.queueNode(WAIT_QUEUE);
      String waitQueueType = cluster.queueType(WAIT_QUEUE);
      // why: the defaults replicate the subscription's queue, its wait queues and its dead-letter
      // queue, so the waiting retries survive the node that holds them
      assertThat(cluster.queueType(QUEUE)).as("the subscription's queue").isEqualTo("quorum");
      assertThat(waitQueueType).as("the wait queue").isEqualTo("quorum");
      assertThat(cluster.queueType(QUEUE + ".dlq")).as("the dead-letter queue").isEqualTo("quorum");
      List<Integer> clientNodes = cluster.connectionNodes();

      long t0 = System.nanoTime();
      cluster.kill(holder, () -> {});
      cluster.start(holder);
      long restartMillis = (System.nanoTime() - t0) / 1_000_000;

      await()
          .atMost(60, SECONDS)
          .until(() -> successes.size() + warren.deadLetters(QUEUE).count() >= EVENTS);
      List<DeadLetter> dead = warren.deadLetters(QUEUE).peek(EVENTS * 2);
      Map<String, Integer> deadCount = new HashMap<>();
      for (DeadLetter d : dead) {
        deadCount.merge(d.event().id(), 1, Integer::sum);
      }
      Set<String> handledTwice = new HashSet<>();
      successes.forEach(
          (id, n) -> {
            if (n.get() != 1) {
              handledTwice.add(id);
            }
          });
      Set<String> deadTwice = new HashSet<>();
      deadCount.forEach(
          (id, n) -> {
            if (n != 1) {
              deadTwice.add(id);
            }
          });
      Set<String> both = new HashSet<>(successes.keySet());
      both.retainAll(deadCount.keySet());
      Set<String> lost = new HashSet<>(published);
      lost.removeAll(successes.keySet());
      lost.removeAll(deadCount.keySet());
      String counts =
          String.format(
              "cluster-fault restart the node holding waiting retries (node %d, %s wait queue;"
                  + " client on %s; kill+start %d ms): published=%d handled=%d dead-lettered=%d"
                  + " lost=%d handled-twice=%d dead-lettered-twice=%d both=%d",
              holder,
              waitQueueType,
              clientNodes,
              restartMillis,
              published.size(),
              successes.size(),
              deadCount.size(),
              lost.size(),
              handledTwice.size(),
              deadTwice.size(),
              both.size());
      System.out.println(counts);

      assertThat(lost).as("neither handled nor dead-lettered; " + counts).isEmpty();
      assertThat(handledTwice).as("handled more than once; " + counts).isEmpty();
      assertThat(deadTwice).as("dead-lettered more than once; " + counts).isEmpty();
      assertThat(both).as("both handled and dead-lettered; " + counts).isEmpty();
      assertThat(successes.size() + dead.size()).as(counts).isEqualTo(published.size());
      assertThat(deadCount).as(counts).hasSize(EVENTS / 5);
    }
  }
}
