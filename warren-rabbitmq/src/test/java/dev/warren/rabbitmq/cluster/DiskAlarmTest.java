package dev.warren.rabbitmq.cluster;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.BrokerUnavailableException;
import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A disk alarm blocks publishing on the whole cluster: publishes fail at their timeout with {@link
 * BrokerUnavailableException}, {@link Warren#blocked()} names the alarm, and once it clears
 * everything confirmed is delivered.
 */
@Timeout(value = 120, unit = SECONDS)
class DiskAlarmTest {
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(3);
  private static final int BEFORE = 100;
  private static final int DURING = 10;
  private static final int AFTER = 100;

  @RegisterExtension final Cluster cluster = new Cluster();

  private final Set<String> handled = ConcurrentHashMap.newKeySet();

  private static Event event(String id) {
    return Event.builder("stock.changed").id(id).jsonData("{}").build();
  }

  private static List<String> publishAll(Warren warren, String prefix, int n) throws Exception {
    List<String> ids = new ArrayList<>();
    List<CompletableFuture<Event>> confirms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(prefix + i);
      confirms.add(warren.publish(event(prefix + i)));
    }
    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, SECONDS);
    return ids;
  }

  @Test
  void publishesFailAtTheirTimeoutWhileBlockedAndNothingConfirmedIsLost() throws Exception {
    try (Warren warren = Warren.create(cluster.options().publishTimeout(PUBLISH_TIMEOUT).build())) {
      warren.subscribe(Subscription.named("stock").pattern("stock.#"), e -> handled.add(e.id()));
      Set<String> confirmed = new HashSet<>(publishAll(warren, "before-", BEFORE));
      assertThat(warren.blocked()).isEmpty();

      // why: resource alarms are cluster-wide; raising it on every node also covers a client that
      // moves to another node meanwhile
      for (int node = 1; node <= 3; node++) {
        cluster.raiseDiskAlarm(node);
      }
      List<CompletableFuture<Event>> during = new ArrayList<>();
      Map<Integer, Long> settledAfterMillis = new ConcurrentHashMap<>();
      long started = System.nanoTime();
      for (int i = 0; i < DURING; i++) {
        int n = i;
        during.add(
            warren
                .publish(event("during-" + i))
                .whenComplete(
                    (e, err) ->
                        settledAfterMillis.put(n, (System.nanoTime() - started) / 1_000_000)));
      }
      // why: one deadline for all of them, well past their timeout, so a publish that never
      // fails is reported rather than waited for
      try {
        CompletableFuture.allOf(during.toArray(CompletableFuture[]::new))
            .get(PUBLISH_TIMEOUT.toMillis() + 10_000, MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // classified below
      }
      int timedOut = 0;
      int confirmedDuring = 0;
      int pending = 0;
      List<Long> failedAfterMillis = new ArrayList<>();
      List<String> otherFailures = new ArrayList<>();
      for (int i = 0; i < DURING; i++) {
        CompletableFuture<Event> f = during.get(i);
        if (!f.isDone()) {
          pending++;
          continue;
        }
        try {
          f.join();
          confirmedDuring++;
          confirmed.add("during-" + i);
        } catch (CompletionException e) {
          if (e.getCause() instanceof BrokerUnavailableException) {
            timedOut++;
            failedAfterMillis.add(settledAfterMillis.get(i));
            if (!e.getCause().getMessage().toLowerCase(Locale.ROOT).contains("disk")) {
              otherFailures.add("not naming the alarm: " + e.getCause().getMessage());
            }
          } else {
            otherFailures.add(String.valueOf(e.getCause()));
          }
        }
      }
      String blockedReason = warren.blocked().orElse(null);

      for (int node = 1; node <= 3; node++) {
        cluster.clearDiskAlarm(node);
      }
      await().atMost(20, SECONDS).until(() -> warren.blocked().isEmpty());
      // a publish still waiting when the alarm cleared is confirmed now, and must be delivered
      int neverSettled = 0;
      for (int i = 0; i < DURING; i++) {
        try {
          during.get(i).get(PUBLISH_TIMEOUT.toMillis() + 10_000, MILLISECONDS);
          confirmed.add("during-" + i);
        } catch (ExecutionException e) {
          // failed: not confirmed, so it may or may not be delivered
        } catch (TimeoutException e) {
          neverSettled++;
        }
      }
      confirmed.addAll(publishAll(warren, "after-", AFTER));
      await().atMost(30, SECONDS).until(() -> handled.containsAll(confirmed));

      Set<String> lost = new HashSet<>(confirmed);
      lost.removeAll(handled);
      String counts =
          String.format(
              "cluster-fault disk alarm: published=%d confirmed=%d failed-at-timeout=%d"
                  + " (after %s ms, timeout %d ms) still-waiting=%d never-settled=%d other-failures=%s"
                  + " blocked=%s"
                  + " handled=%d lost=%d",
              BEFORE + DURING + AFTER,
              confirmed.size(),
              timedOut,
              failedAfterMillis,
              PUBLISH_TIMEOUT.toMillis(),
              pending,
              neverSettled,
              otherFailures,
              blockedReason,
              handled.size(),
              lost.size());
      System.out.println(counts);

      assertThat(confirmedDuring).as("confirmed while the alarm was raised; " + counts).isZero();
      assertThat(timedOut).as(counts).isEqualTo(DURING);
      assertThat(failedAfterMillis)
          .as("each publish fails at its timeout, not before nor much later; " + counts)
          .allSatisfy(
              ms ->
                  assertThat(ms)
                      .isBetween(
                          PUBLISH_TIMEOUT.toMillis() - 200, PUBLISH_TIMEOUT.toMillis() + 2000));
      assertThat(blockedReason).as(counts).isNotNull().containsIgnoringCase("disk");
      assertThat(lost).as(counts).isEmpty();
      assertThat(otherFailures).as(counts).isEmpty();
      assertThat(neverSettled).as("publishes neither confirmed nor failed; " + counts).isZero();
    }
  }
}
