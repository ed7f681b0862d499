package dev.warren.internal.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.internal.tasks.TaskQueue.Submission;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.MissedSlots;
import dev.warren.schedules.ScheduleInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The firing loop's decisions, on a clock the test moves: missed slots, take-overs, claims. */
class SlotFirerTest {
  private static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");

  private final InMemoryScheduleStore store = new InMemoryScheduleStore();
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final List<String> submitted = new ArrayList<>();
  private final InstantSource clock = now::get;

  /** How far each task id's submission got, as the task store would tell. */
  private final Map<String, Submission> tasks = new HashMap<>();

  /** The ids submitted, and whether each was sent again. */
  private final List<String> ids = new ArrayList<>();

  private final SlotFirer.Submitter submitter =
      new SlotFirer.Submitter() {
        @Override
        public void submit(ScheduleInfo s, String taskId, boolean again) {
          submitted.add(s.name() + "@" + now.get());
          ids.add(again ? taskId + " again" : taskId);
          tasks.put(taskId, Submission.DELIVERED);
        }

        @Override
        public Submission submission(String taskId) {
          return tasks.getOrDefault(taskId, Submission.NONE);
        }
      };

  private SlotFirer firer(String instance) {
    return new SlotFirer(store, submitter, clock, instance);
  }

  private ScheduleInfo every10s(String name, MissedSlots missed) {
    return store.upsert(
        new ScheduleInfo(
            name,
            null,
            "UTC",
            Duration.ofSeconds(10),
            "job",
            null,
            "q",
            missed,
            50,
            false,
            T0,
            null,
            null,
            null));
  }

  @Test
  void aSlotIsFiredOnceWhenDueAndNotBefore() {
    every10s("s", MissedSlots.FIRE_ONCE);
    SlotFirer a = firer("a");
    SlotFirer b = firer("b");
    now.set(T0.plusSeconds(9));
    a.tick();
    assertThat(submitted).isEmpty();
    now.set(T0.plusSeconds(10).plusMillis(200));
    a.tick();
    b.tick();
    a.tick();
    assertThat(submitted).hasSize(1);
    Firing f = store.history("s", 10).get(0);
    assertThat(f.slot()).isEqualTo(T0.plusSeconds(10));
    assertThat(f.state()).isEqualTo(FiringState.FIRED);
    assertThat(f.taskId()).isEqualTo(ids.get(0));
    assertThat(f.detail()).isNull();
  }

  @Test
  void missedSlotsFireOnceForAllOfThemAndLateOnesEachFire() {
    every10s("s", MissedSlots.FIRE_ONCE);
    // slots at 10..60 s passed with no instance up; 10..50 are over the tolerance, 60 is late
    now.set(T0.plusSeconds(65));
    firer("a").tick();
    firer("b").tick();

    assertThat(submitted).hasSize(2);
    List<Firing> history = store.history("s", 10);
    assertThat(history)
        .extracting(Firing::slot)
        .containsExactly(T0.plusSeconds(60), T0.plusSeconds(50));
    assertThat(history).allMatch(f -> f.state() == FiringState.FIRED);
    assertThat(history.get(1).detail()).isEqualTo("5 missed slots, fired once");
    assertThat(history.get(0).detail()).isNull();

    now.set(T0.plusSeconds(70));
    firer("a").tick();
    assertThat(submitted).hasSize(3);
  }

  @Test
  void missedSlotsAreSkippedWithThatPolicyAndLaterSlotsFire() {
    every10s("s", MissedSlots.SKIP);
    now.set(T0.plusSeconds(65));
    firer("a").tick();

    assertThat(submitted).containsExactly("s@" + T0.plusSeconds(65));
    List<Firing> history = store.history("s", 10);
    assertThat(history.get(1).state()).isEqualTo(FiringState.SKIPPED);
    assertThat(history.get(1).slot()).isEqualTo(T0.plusSeconds(50));
    assertThat(history.get(1).detail()).isEqualTo("5 missed slots skipped");
    assertThat(history.get(0).slot()).isEqualTo(T0.plusSeconds(60));

    now.set(T0.plusSeconds(70));
    firer("a").tick();
    assertThat(submitted).hasSize(2);
  }

  @Test
  void slotsLateWithinTheToleranceAreEachFiredInOrder() {
    every10s("s", MissedSlots.SKIP);
    now.set(T0.plusSeconds(10).plus(SlotFirer.LATE)); // slots 10 and 20 due, neither missed
    firer("a").tick();
    assertThat(store.history("s", 10))
        .extracting(Firing::slot, Firing::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(20), FiringState.FIRED),
            org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(10), FiringState.FIRED));
  }

  @Test
  void aSingleSlotLaterThanTheToleranceCountsAsMissed() {
    every10s("s", MissedSlots.SKIP);
    now.set(T0.plusSeconds(10).plus(SlotFirer.LATE).plusSeconds(1));
    firer("a").tick();
    assertThat(store.history("s", 10))
        .extracting(Firing::slot, Firing::state, Firing::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(20), FiringState.FIRED, null),
            org.assertj.core.groups.Tuple.tuple(
                T0.plusSeconds(10), FiringState.SKIPPED, "1 missed slot skipped"));
  }

  @Test
  void aPausedScheduleDoesNotFireAndAResumeDoesNotMakeUpItsSlots() {
    every10s("s", MissedSlots.FIRE_ONCE);
    store.setPaused("s", true, T0);
    now.set(T0.plusSeconds(45));
    firer("a").tick();
    assertThat(submitted).isEmpty();

    store.setPaused("s", false, now.get());
    firer("a").tick();
    assertThat(submitted).isEmpty();
    now.set(T0.plusSeconds(50));
    firer("a").tick();
    assertThat(submitted).containsExactly("s@" + T0.plusSeconds(50));
  }

  @Test
  void aClaimWhoseInstanceDiedIsTakenOverAfterTheLease() {
    every10s("s", MissedSlots.FIRE_ONCE);
    orphanOf10s(null);
    SlotFirer b = firer("b");

    now.set(T0.plusSeconds(12));
    b.recoverStalled(now.get());
    assertThat(submitted).as("within the lease the owner may still finish").isEmpty();

    now.set(afterTheLease());
    b.recoverStalled(now.get());
    firer("c").recoverStalled(now.get());

    assertThat(submitted).hasSize(1);
    Firing f = slot10s();
    assertThat(f.state()).isEqualTo(FiringState.FIRED);
    assertThat(f.instance()).isEqualTo("b");
    assertThat(f.detail()).isEqualTo("taken over from dead");
  }

  @Test
  void aFailedSubmitLeavesTheClaimForATakeOver() {
    every10s("s", MissedSlots.FIRE_ONCE);
    SlotFirer failing =
        new SlotFirer(
            store,
            new SlotFirer.Submitter() {
              @Override
              public void submit(ScheduleInfo s, String taskId, boolean again) {
                throw new dev.warren.BrokerUnavailableException("broker down");
              }

              @Override
              public Submission submission(String taskId) {
                return Submission.NONE;
              }
            },
            clock,
            "a");
    now.set(T0.plusSeconds(10));
    failing.tick();
    assertThat(store.history("s", 1).get(0).state()).isEqualTo(FiringState.CLAIMED);

    String claimedId = store.history("s", 1).get(0).taskId();
    assertThat(claimedId).isNotNull();

    now.set(afterTheLease());
    firer("b").recoverStalled(now.get());
    assertThat(store.history("s", 10).stream().filter(f -> f.slot().equals(T0.plusSeconds(10))))
        .singleElement()
        .extracting(Firing::state, Firing::taskId)
        .containsExactly(FiringState.FIRED, claimedId);
    assertThat(ids).as("the task the claim named, submitted once").containsExactly(claimedId);
  }

  /** The claim of the 10-s slot as an instance leaves it when it dies after claiming. */
  private void orphanOf10s(String taskId) {
    Firing orphan =
        new Firing(
            "s",
            T0.plusSeconds(10),
            false,
            FiringState.CLAIMED,
            taskId,
            "dead",
            T0.plusSeconds(10),
            null);
    assertThat(store.claim(orphan, 50)).isTrue();
  }

  private static Instant afterTheLease() {
    return T0.plusSeconds(10).plus(SlotFirer.LEASE).plusSeconds(1);
  }

  private Firing slot10s() {
    return store.history("s", 10).stream()
        .filter(x -> x.slot().equals(T0.plusSeconds(10)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aTakeOverDoesNotSubmitATaskTheDeadInstanceGotToAWorker() {
    every10s("s", MissedSlots.FIRE_ONCE);
    orphanOf10s("t-1");
    tasks.put("t-1", Submission.DELIVERED); // it died after the broker took the task
    now.set(afterTheLease());

    firer("b").recoverStalled(now.get());

    assertThat(submitted).isEmpty();
    Firing f = slot10s();
    assertThat(f.state()).isEqualTo(FiringState.FIRED);
    assertThat(f.taskId()).isEqualTo("t-1");
    assertThat(f.detail()).isEqualTo("taken over from dead, which had submitted its task");
  }

  @Test
  void aTakeOverSubmitsTheClaimedTaskIdWhenItNeverWentOut() {
    every10s("s", MissedSlots.FIRE_ONCE);
    orphanOf10s("t-1"); // it died before storing the task
    now.set(afterTheLease());

    firer("b").recoverStalled(now.get());

    assertThat(ids).containsExactly("t-1");
    assertThat(slot10s().state()).isEqualTo(FiringState.FIRED);
    assertThat(slot10s().taskId()).isEqualTo("t-1");
  }

  @Test
  void aTakeOverSendsAStoredButUnrunTaskAgainUnderTheSameId() {
    every10s("s", MissedSlots.FIRE_ONCE);
    orphanOf10s("t-1");
    tasks.put("t-1", Submission.STORED); // stored; whether it was published is unknown
    now.set(afterTheLease());

    firer("b").recoverStalled(now.get());

    assertThat(ids).containsExactly("t-1 again");
    assertThat(slot10s().state()).isEqualTo(FiringState.FIRED);
  }

  @Test
  void aClaimRecordedWithoutATaskIdGetsOneOnTakeOver() {
    every10s("s", MissedSlots.FIRE_ONCE);
    orphanOf10s(null); // as a claim by an earlier version
    now.set(afterTheLease());

    firer("b").recoverStalled(now.get());

    assertThat(ids).hasSize(1);
    assertThat(slot10s().taskId()).isEqualTo(ids.get(0));
  }
}
