package dev.warren.internal.schedules;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.internal.tasks.TaskQueue;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.MissedSlots;
import dev.warren.schedules.Schedule;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.ScheduleNotFoundException;
import dev.warren.schedules.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code warren.schedules()} end to end on the in-memory broker and store. */
@Timeout(value = 60, unit = SECONDS)
class SchedulesTest {
  private Warren warren;
  private final List<Object> runs = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    String id = UUID.randomUUID().toString().substring(0, 8);
    warren =
        Warren.create(
            WarrenOptions.builder().memoryBroker("sched-" + id).storeUrl("memory:").build());
    warren.tasks().register("report.build", Map.class, args -> runs.add(args));
  }

  @AfterEach
  void stop() {
    // why: the memory: store is process-wide; each test starts with no schedules
    for (ScheduleInfo s : warren.schedules().list()) {
      warren.schedules().delete(s.name());
    }
    warren.close();
  }

  @Test
  void aClaimWhoseTaskWentOutBeforeItsInstanceDiedIsTakenOverWithoutASecondTask() {
    Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();
    warren
        .tasks()
        .register(
            "tick.job",
            "sched.takeover",
            ctx -> ran.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet());
    InMemoryScheduleStore store = new InMemoryScheduleStore();
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    AtomicReference<Instant> now = new AtomicReference<>(t0);
    store.upsert(
        new ScheduleInfo(
            "tick",
            null,
            "UTC",
            Duration.ofSeconds(10),
            "tick.job",
            null,
            "sched.takeover",
            MissedSlots.FIRE_ONCE,
            50,
            false,
            t0,
            null,
            null,
            null));
    SlotFirer.Submitter real = SchedulesImpl.submitter(warren);
    // an instance killed after the broker confirmed its task, before it recorded the firing
    SlotFirer dying =
        new SlotFirer(
            store,
            new SlotFirer.Submitter() {
              @Override
              public void submit(ScheduleInfo s, String taskId, boolean again) {
                real.submit(s, taskId, again);
                throw new IllegalStateException("killed after the broker's confirm");
              }

              @Override
              public TaskQueue.Submission submission(String taskId) {
                return real.submission(taskId);
              }
            },
            now::get,
            "dying");
    now.set(t0.plusSeconds(10));
    dying.tick();
    Firing claimed = store.history("tick", 1).get(0);
    assertThat(claimed.state()).isEqualTo(FiringState.CLAIMED);
    await().atMost(10, SECONDS).until(() -> ran.containsKey(claimed.taskId()));

    now.set(t0.plusSeconds(10).plus(SlotFirer.LEASE).plusSeconds(1));
    new SlotFirer(store, real, now::get, "survivor").recoverStalled(now.get());

    Firing f = store.history("tick", 1).get(0);
    assertThat(f.state()).isEqualTo(FiringState.FIRED);
    assertThat(f.taskId()).isEqualTo(claimed.taskId());
    assertThat(f.detail()).isEqualTo("taken over from dying, which had submitted its task");
    assertThat(ran).containsOnlyKeys(claimed.taskId());
    assertThat(ran.get(claimed.taskId())).hasValue(1);
  }

  @Test
  void aDefinedScheduleFiresItsTaskWithItsArguments() {
    Schedules schedules = warren.schedules();
    ScheduleInfo info =
        schedules.define(
            Schedule.every("report.every-second", Duration.ofSeconds(1))
                .task("report.build")
                .args(Map.of("kind", "tick"))
                .build());
    assertThat(info.nextSlot()).isAfter(info.createdAt());
    assertThat(info.args()).isEqualTo("{\"kind\":\"tick\"}");

    await().atMost(10, SECONDS).until(() -> runs.size() >= 2);

    assertThat(runs.get(0)).isEqualTo(Map.of("kind", "tick"));
    List<Firing> history = schedules.history("report.every-second", 10);
    assertThat(history).isNotEmpty().allMatch(f -> f.state() != FiringState.SKIPPED);
    assertThat(history.get(history.size() - 1).taskId()).isNotNull();
    assertThat(schedules.list())
        .extracting(ScheduleInfo::name)
        .containsExactly("report.every-second");
  }

  @Test
  void pauseStopsFiringTriggerFiresAnywayAndResumeGoesOn() {
    Schedules schedules = warren.schedules();
    schedules.define(
        Schedule.cron("report.nightly", "0 30 2 * * *")
            .zone("Europe/Paris")
            .task("report.build")
            .build());

    ScheduleInfo paused = schedules.pause("report.nightly");
    assertThat(paused.paused()).isTrue();
    assertThat(paused.nextSlot()).isNull();

    Firing f = schedules.trigger("report.nightly");
    assertThat(f.manual()).isTrue();
    assertThat(f.state()).isEqualTo(FiringState.FIRED);
    assertThat(warren.tasks().task(f.taskId()).await(Duration.ofSeconds(10)).state())
        .isEqualTo(dev.warren.tasks.TaskState.SUCCESS);
    assertThat(schedules.history("report.nightly", 5)).containsExactly(f);

    ScheduleInfo resumed = schedules.resume("report.nightly");
    assertThat(resumed.paused()).isFalse();
    assertThat(resumed.nextSlot()).isNotNull();
    assertThat(resumed.nextSlot().atZone(java.time.ZoneId.of("Europe/Paris")).getHour())
        .isEqualTo(2);
  }

  @Test
  void badInputAndUnknownNamesGetClearErrors() {
    Schedules schedules = warren.schedules();
    assertThatThrownBy(() -> schedules.define(Schedule.cron("bad", "0 0 25 * * *").build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'0 0 25 * * *'");
    assertThatThrownBy(() -> Schedule.every("fast", Duration.ofMillis(10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PT0.01S");
    assertThatThrownBy(() -> Schedule.cron("z", "* * * * * *").zone("Mars/Olympus"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Mars/Olympus");
    assertThatThrownBy(() -> Schedule.cron("no spaces allowed", "* * * * * *"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'no spaces allowed'");
    assertThatThrownBy(() -> schedules.pause("nope")).isInstanceOf(ScheduleNotFoundException.class);
    assertThatThrownBy(() -> schedules.trigger("nope"))
        .isInstanceOf(ScheduleNotFoundException.class);
    assertThat(schedules.delete("nope")).isFalse();
    assertThat(schedules.list()).isEmpty();
  }

  @Test
  void aDeletedScheduleStopsAndARedefinitionKeepsItsPause() {
    Schedules schedules = warren.schedules();
    schedules.define(
        Schedule.every("report.hourly", Duration.ofHours(1)).task("report.build").build());
    schedules.pause("report.hourly");
    ScheduleInfo again =
        schedules.define(
            Schedule.every("report.hourly", Duration.ofHours(2)).task("report.build").build());
    assertThat(again.paused()).isTrue();
    assertThat(again.interval()).isEqualTo(Duration.ofHours(2));

    assertThat(schedules.delete("report.hourly")).isTrue();
    assertThat(schedules.get("report.hourly")).isEmpty();
  }
}
