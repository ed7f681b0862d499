package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly one firing per slot across instances: three JVMs define the same every-second schedule on
 * RabbitMQ and one durable store; one is killed with SIGKILL mid-run and a fresh one starts in its
 * place. Every slot from the first to the last is fired once, each firing's task runs once, and no
 * task runs that no firing recorded. Subclass it once per durable store, on a database, schema or
 * key prefix of the test's own; the subclass's test class path must hold the store and
 * warren-rabbitmq, as the instances run on it.
 */
@Timeout(value = 150, unit = SECONDS)
public abstract class ScheduleExactlyOnceContractTest {
  private static final String SCHEDULE = "exactly-once.tick";
  private static final String TASK = "exactly-once.job";

  private static TestBroker broker;

  /**
   * @return the store URL every instance shares, created for this test class
   */
  protected abstract String storeUrl();

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.create();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void everySlotFiresExactlyOnceWhileAnInstanceIsKilledAndReplaced() throws Exception {
    String storeUrl = storeUrl();
    String exchange = "sched.events";
    String queue = "sched.tasks";
    List<Process> processes = new ArrayList<>();
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .rabbitmqUri(broker.uri())
            .exchange(exchange)
            .instanceId("observer")
            .storeUrl(storeUrl)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (Warren observer = Warren.create(options)) {
      // why: the worker lives in the test JVM, so a killed instance never takes a task with it
      observer
          .tasks()
          .register(
              TASK,
              queue,
              ctx -> runs.computeIfAbsent(ctx.id(), id -> new AtomicInteger()).incrementAndGet());
      for (int i = 0; i < 3; i++) {
        processes.add(start(storeUrl, exchange, queue));
      }
      // why: which instance wins a slot is up to the store; on a loaded machine one JVM may start
      // late and win nothing for a while, so the instance killed is one that has fired, not a
      // fixed one
      await()
          .atMost(90, SECONDS)
          .until(
              () ->
                  history(observer).size() >= 8
                      && processes.stream().anyMatch(p -> firedBy(observer, p.pid()) >= 1));
      Process doomed =
          processes.stream().filter(p -> firedBy(observer, p.pid()) >= 1).findFirst().orElseThrow();
      doomed.destroyForcibly(); // SIGKILL: no shutdown hook, whatever it was doing is cut
      assertThat(doomed.waitFor(10, SECONDS)).isTrue();
      Instant killedAt = Instant.now();
      int atKill = history(observer).size();

      await().atMost(20, SECONDS).until(() -> history(observer).size() >= atKill + 6);
      processes.add(start(storeUrl, exchange, queue)); // a restart in its place
      // why: past the 15 s lease, so a claim the killed instance left unfinished is taken over
      await().atMost(60, SECONDS).until(() -> Instant.now().isAfter(killedAt.plusSeconds(20)));
      observer.schedules().pause(SCHEDULE);
      Instant pausedAt = Instant.now();
      try {
        await()
            .atMost(30, SECONDS)
            .until(
                () ->
                    history(observer).stream().allMatch(f -> f.state() == FiringState.FIRED)
                        && ids(history(observer)).equals(runs.keySet()));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        List<Firing> h = history(observer);
        Set<String> unrecorded = new HashSet<>(runs.keySet());
        unrecorded.removeAll(ids(h));
        throw new AssertionError(
            "killed "
                + doomed.pid()
                + " at "
                + killedAt
                + "; not fired: "
                + h.stream().filter(f -> f.state() != FiringState.FIRED).toList()
                + "; tasks run that no firing recorded: "
                + unrecorded
                + "; firings around the kill: "
                + h.stream()
                    .filter(f -> f.slot().isAfter(killedAt.minusSeconds(3)))
                    .limit(6)
                    .toList(),
            e);
      }
      for (Process p : processes) {
        p.destroyForcibly();
      }

      List<Firing> fired = history(observer);
      List<Instant> slots = fired.stream().map(Firing::slot).sorted().toList();
      System.out.printf(
          getClass().getSimpleName()
              + ": %d slots from %s to %s fired once each; %d tasks run; %d by"
              + " the killed instance; instances %s%n",
          slots.size(),
          slots.get(0),
          slots.get(slots.size() - 1),
          runs.size(),
          firedBy(observer, doomed.pid()),
          fired.stream().map(Firing::instance).distinct().sorted().toList());

      assertThat(slots.size()).isGreaterThanOrEqualTo(20);
      assertThat(slots.get(slots.size() - 1)).isBefore(pausedAt.plusSeconds(1));
      for (int i = 1; i < slots.size(); i++) {
        assertThat(Duration.between(slots.get(i - 1), slots.get(i)))
            .as("no slot missed or doubled between %s and %s", slots.get(i - 1), slots.get(i))
            .isEqualTo(Duration.ofSeconds(1));
      }
      assertThat(fired).allMatch(f -> !f.manual() && f.detail() == null || isTakeOver(f));
      Set<String> taskIds = ids(fired);
      assertThat(taskIds).as("one task per slot").hasSize(slots.size());
      assertThat(runs.keySet()).as("no task without a firing").isEqualTo(taskIds);
      assertThat(runs.values()).allMatch(n -> n.get() == 1);
      assertThat(fired.stream().map(Firing::instance).distinct().count())
          .as("the slots were shared out among the instances")
          .isGreaterThanOrEqualTo(2);
    } finally {
      for (Process p : processes) {
        p.destroyForcibly();
      }
    }
  }

  private static boolean isTakeOver(Firing f) {
    return f.detail() != null && f.detail().startsWith("taken over from");
  }

  private static Process start(String storeUrl, String exchange, String queue) throws Exception {
    Process p =
        ScheduleInstanceMain.launch(broker.uri(), exchange, queue, storeUrl, SCHEDULE, TASK);
    ScheduleInstanceMain.awaitReady(p);
    return p;
  }

  private static List<Firing> history(Warren w) {
    List<Firing> h = new ArrayList<>(w.schedules().history(SCHEDULE, 1000));
    h.sort(Comparator.comparing(Firing::slot));
    return h;
  }

  private static long firedBy(Warren w, long pid) {
    return history(w).stream().filter(f -> f.instance().startsWith(pid + "@")).count();
  }

  private static Set<String> ids(List<Firing> firings) {
    Set<String> ids = new HashSet<>();
    for (Firing f : firings) {
      if (f.taskId() != null) {
        ids.add(f.taskId());
      }
    }
    return ids;
  }
}
