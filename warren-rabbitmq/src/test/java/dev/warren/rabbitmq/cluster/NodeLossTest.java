package dev.warren.rabbitmq.cluster;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Subscription;
import dev.warren.Warren;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node of the cluster crashes (SIGKILL) under confirmed publishing with a consumer: no confirmed
 * event is lost, and publishing and consuming resume on a surviving node within 10 s.
 */
@Timeout(value = 150, unit = SECONDS)
class NodeLossTest {
  private static final String QUEUE = "orders";
  private static final Duration RESUME_WITHIN = Duration.ofSeconds(10);

  @RegisterExtension final Cluster cluster = new Cluster();

  /** The node of the subscription's consumer: its connection and channels die with it. */
  @Test
  void killingTheNodeTheClientIsConnectedToLosesNoConfirmedEvent() throws Exception {
    crashUnderLoad(
        "client's node",
        () -> {
          List<Integer> nodes = cluster.consumerNodes(QUEUE);
          assertThat(nodes).as("the subscription's consumers").isNotEmpty();
          return nodes.get(0);
        });
  }

  /**
   * The leader of the subscription's quorum queue, moved first to a node the client has no
   * connection to, so that only the queue loses its leader.
   */
  @Test
  void killingTheQueueLeaderLosesNoConfirmedEvent() throws Exception {
    crashUnderLoad(
        "queue leader",
        () -> {
          List<Integer> clientNodes = cluster.connectionNodes();
          int leader = cluster.quorumLeader(QUEUE);
          if (clientNodes.contains(leader)) {
            for (int n = 1; n <= 3; n++) {
              int to = n;
              if (!clientNodes.contains(to) && cluster.transferLeadership(QUEUE, to)) {
                await().atMost(10, SECONDS).until(() -> cluster.quorumLeader(QUEUE) == to);
                break;
              }
            }
          }
          return cluster.quorumLeader(QUEUE);
        });
  }

  private void crashUnderLoad(String what, IntSupplier victimOf) throws Exception {
    try (Warren warren =
        Warren.create(cluster.options().publishTimeout(Duration.ofSeconds(30)).build())) {
      ConfirmedLoad load = new ConfirmedLoad(warren, "load.tick", 200);
      // the default queue type: a quorum queue, with copies on the survivors
      warren.subscribe(Subscription.named(QUEUE).pattern("load.#").concurrency(4), load::handle);
      try (load) {
        load.start();
        await().atMost(20, SECONDS).until(() -> load.handled().size() >= 300);
        assertThat(cluster.queueType(QUEUE)).as("the subscription's queue").isEqualTo("quorum");

        int victim = victimOf.getAsInt();
        List<Integer> clientNodes = cluster.connectionNodes();
        List<Integer> consumerNodes = cluster.consumerNodes(QUEUE);
        int leader = cluster.quorumLeader(QUEUE);
        long[] killed = new long[2];
        cluster.kill(
            victim,
            () -> {
              killed[0] = load.lastSequence();
              killed[1] = System.nanoTime();
            });
        long killedAfter = killed[0];
        long killedAt = killed[1];

        // why: wait longer than the bound, so that a slow resumption is measured, not just failed
        await()
            .atMost(45, SECONDS)
            .pollInterval(50, MILLISECONDS)
            .until(() -> load.firstHandledAfter(killedAfter) != Long.MAX_VALUE);
        long handledResume = load.firstHandledAfter(killedAfter) - killedAt;
        long confirmedResume = load.firstConfirmedAfter(killedAfter) - killedAt;
        List<Integer> consumersAfter = cluster.consumerNodes(QUEUE);
        long resumedAfter = load.lastSequence();
        await()
            .atMost(30, SECONDS)
            .until(() -> load.firstHandledAfter(resumedAfter + 400) != Long.MAX_VALUE);
        load.stopPublishing();

        // every publish settles: confirmed, or failed at its timeout
        await()
            .atMost(45, SECONDS)
            .until(() -> load.confirmed().size() + load.failed().size() == load.published());
        await().atMost(30, SECONDS).until(() -> load.lost().isEmpty());
        long longestPause = load.longestPauseSince(killedAt);
        String counts =
            String.format(
                "cluster-fault kill %s (node %d; connections on %s, consumer on %s, then on %s,"
                    + " leader %d):"
                    + " published=%d"
                    + " confirmed=%d failed=%d handled=%d deliveries=%d lost=%d"
                    + " consume-resume=%dms confirm-resume=%s longest-pause=%dms",
                what,
                victim,
                clientNodes,
                consumerNodes,
                consumersAfter,
                leader,
                load.published(),
                load.confirmed().size(),
                load.failed().size(),
                load.handled().size(),
                load.deliveries(),
                load.lost().size(),
                handledResume / 1_000_000,
                confirmedResume < 0 ? "none" : (confirmedResume / 1_000_000) + "ms",
                longestPause / 1_000_000);
        System.out.println(counts);

        cluster.start(victim);
        assertThat(cluster.running()).as("nodes running after the restart").hasSize(3);
        assertThat(cluster.ctl(1, "cluster_status", "--formatter", "json"))
            .as("the restarted node rejoined")
            .contains(cluster.nodeName(victim));

        // why: a quorum queue keeps the consumer of a node that went down listed (as suspected
        // down) until the node is back, so the survivor's consumer is one among them
        assertThat(consumersAfter)
            .as("the subscription consumes on a survivor; " + counts)
            .anyMatch(n -> n != victim);
        assertThat(load.lost()).as("confirmed but never handled; " + counts).isEmpty();
        assertThat(Duration.ofNanos(handledResume))
            .as("time until an event published after the crash was handled; " + counts)
            .isLessThanOrEqualTo(RESUME_WITHIN);
        assertThat(Duration.ofNanos(longestPause))
            .as("longest time without a handled event after the crash; " + counts)
            .isLessThanOrEqualTo(RESUME_WITHIN);
        assertThat(load.confirmed()).as(counts).hasSizeGreaterThan(1000);
      }
    }
  }
}
