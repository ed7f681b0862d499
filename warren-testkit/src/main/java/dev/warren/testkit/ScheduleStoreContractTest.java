package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.MissedSlots;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.spi.ScheduleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ScheduleStore} passes. Subclass it once per store and implement {@link
 * #createStore()} (on a database, schema or key prefix of the test's own) and {@link #reopen()}.
 */
@Timeout(value = 60, unit = SECONDS)
public abstract class ScheduleStoreContractTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** The store under test. */
  protected ScheduleStore store;

  private final List<ScheduleStore> opened = new ArrayList<>();

  /**
   * @return a new store
   */
  protected abstract ScheduleStore createStore();

  /**
   * @return another connection to the same store, as another process would open it
   */
  protected abstract ScheduleStore reopen();

  @BeforeEach
  void open() {
    store = createStore();
    opened.add(store);
  }

  @AfterEach
  void closeStores() {
    for (ScheduleStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  private ScheduleStore another() {
    ScheduleStore s = reopen();
    opened.add(s);
    return s;
  }

  private static String name() {
    return "s-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ScheduleInfo cron(String name) {
    return new ScheduleInfo(
        name,
        "*/5 * * * * *",
        "Europe/Paris",
        null,
        "report.build",
        "{\"kind\":\"daily\"}",
        "warren.tasks.default",
        MissedSlots.SKIP,
        3,
        false,
        T0,
        null,
        null,
        null);
  }

  private static Firing planned(String name, Instant slot, String instance) {
    return new Firing(name, slot, false, FiringState.CLAIMED, null, instance, T0, null);
  }

  @Test
  void aScheduleRoundTripsAndARedefinitionKeepsWhatTheStoreLearnt() {
    String name = name();
    ScheduleInfo stored = store.upsert(cron(name));
    assertThat(stored).isEqualTo(cron(name));
    assertThat(store.claim(planned(name, T0.plusSeconds(5), "a"), 3)).isTrue();
    store.setPaused(name, true, T0.plusSeconds(6));

    ScheduleInfo every =
        new ScheduleInfo(
            name,
            null,
            "UTC",
            Duration.ofSeconds(7),
            "other",
            null,
            "q2",
            MissedSlots.FIRE_ONCE,
            9,
            false,
            T0.plusSeconds(100),
            null,
            null,
            null);
    ScheduleInfo again = another().upsert(every);

    assertThat(again.interval()).isEqualTo(Duration.ofSeconds(7));
    assertThat(again.cron()).isNull();
    assertThat(again.args()).isNull();
    assertThat(again.task()).isEqualTo("other");
    assertThat(again.history()).isEqualTo(9);
    assertThat(again.paused()).as("paused survives a redefinition").isTrue();
    assertThat(again.createdAt()).isEqualTo(T0);
    assertThat(again.lastSlot()).isEqualTo(T0.plusSeconds(5));
    assertThat(store.list()).extracting(ScheduleInfo::name).contains(name);
  }

  @Test
  void exactlyOneOfManyRacingClaimsWinsASlot() throws Exception {
    String name = name();
    store.upsert(cron(name));
    List<ScheduleStore> stores = List.of(store, another(), another());
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      for (int slot = 1; slot <= 10; slot++) {
        Instant at = T0.plusSeconds(5L * slot);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          ScheduleStore s = stores.get(i % stores.size());
          String instance = "i" + i;
          tries.add(
              pool.submit(
                  () -> {
                    go.await();
                    return s.claim(planned(name, at, instance), 3);
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> f : tries) {
          won += f.get(30, SECONDS) ? 1 : 0;
        }
        assertThat(won).as("winners of slot %s", at).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.history(name, 100)).hasSize(3); // the schedule keeps 3
    assertThat(store.get(name).orElseThrow().lastSlot()).isEqualTo(T0.plusSeconds(50));
  }

  @Test
  void aSlotAtOrBeforeTheLastClaimedOneIsRefused() {
    String name = name();
    store.upsert(cron(name));
    assertThat(store.claim(planned(name, T0.plusSeconds(10), "a"), 3)).isTrue();
    assertThat(store.claim(planned(name, T0.plusSeconds(10), "b"), 3)).isFalse();
    assertThat(store.claim(planned(name, T0.plusSeconds(5), "b"), 3)).isFalse();
    assertThat(store.claim(planned("missing-" + name, T0, "b"), 3)).isFalse();
  }

  @Test
  void manualFiringsDoNotMoveTheLastSlotAndAreClaimedOnce() {
    String name = name();
    store.upsert(cron(name));
    Firing manual =
        new Firing(name, T0.plusSeconds(20), true, FiringState.CLAIMED, null, "a", T0, null);
    assertThat(store.claim(manual, 3)).isTrue();
    assertThat(another().claim(manual, 3)).isFalse();
    assertThat(store.get(name).orElseThrow().lastSlot()).isNull();
    assertThat(store.claim(planned(name, T0.plusSeconds(20), "a"), 3))
        .as("a planned slot at the same instant is its own firing")
        .isTrue();
  }

  @Test
  void historyIsNewestFirstCutToTheScheduleSizeAndRecordsCompletion() {
    String name = name();
    store.upsert(cron(name));
    for (int i = 1; i <= 5; i++) {
      store.claim(planned(name, T0.plusSeconds(5L * i), "a"), 3);
    }
    store.complete(
        planned(name, T0.plusSeconds(25), "a").with(FiringState.FIRED, "task-25", "late"));

    List<Firing> history = another().history(name, 10);

    assertThat(history)
        .extracting(Firing::slot)
        .containsExactly(T0.plusSeconds(25), T0.plusSeconds(20), T0.plusSeconds(15));
    assertThat(history.get(0).state()).isEqualTo(FiringState.FIRED);
    assertThat(history.get(0).taskId()).isEqualTo("task-25");
    assertThat(history.get(0).detail()).isEqualTo("late");
    assertThat(history.get(1).state()).isEqualTo(FiringState.CLAIMED);
    assertThat(store.history(name, 1)).hasSize(1);
  }

  @Test
  void onlyAStaleClaimIsTakenOverAndOnlyOnce() {
    String name = name();
    store.upsert(cron(name));
    Instant slot = T0.plusSeconds(5);
    store.claim(planned(name, slot, "dead"), 3);
    Instant now = T0.plusSeconds(60);

    assertThat(store.takeOver(name, slot, false, "b", now, T0)).as("not stale yet").isFalse();
    assertThat(store.stalled(now.minusSeconds(15)))
        .extracting(Firing::schedule, Firing::slot)
        .contains(org.assertj.core.groups.Tuple.tuple(name, slot));
    assertThat(store.takeOver(name, slot, false, "b", now, now.minusSeconds(15))).isTrue();
    assertThat(another().takeOver(name, slot, false, "c", now, now.minusSeconds(15))).isFalse();
    assertThat(store.history(name, 1).get(0).instance()).isEqualTo("b");

    store.complete(store.history(name, 1).get(0).with(FiringState.FIRED, "t1", null));
    assertThat(store.stalled(now.plusSeconds(600)))
        .extracting(Firing::schedule)
        .doesNotContain(name);
  }

  @Test
  void pauseResumeAndDelete() {
    String name = name();
    store.upsert(cron(name));
    Instant resumed = T0.plusSeconds(30);

    assertThat(store.setPaused(name, true, T0).orElseThrow().paused()).isTrue();
    ScheduleInfo running = another().setPaused(name, false, resumed).orElseThrow();
    assertThat(running.paused()).isFalse();
    assertThat(running.resumedAt()).isEqualTo(resumed);
    assertThat(store.setPaused("missing-" + name, true, T0)).isEmpty();

    store.claim(planned(name, T0.plusSeconds(5), "a"), 3);
    assertThat(store.delete(name)).isTrue();
    assertThat(store.delete(name)).isFalse();
    assertThat(store.get(name)).isEmpty();
    assertThat(store.history(name, 10)).isEmpty();
    assertThat(store.list()).extracting(ScheduleInfo::name).doesNotContain(name);
  }
}
