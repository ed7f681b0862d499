package dev.warren.internal.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.tasks.TaskQueue;
import dev.warren.internal.tasks.TaskQueue.Submission;
import dev.warren.internal.tasks.TaskStoreConfig;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.Schedule;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.ScheduleNotFoundException;
import dev.warren.schedules.Schedules;
import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.tasks.TaskOptions;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@link Schedules} of one instance: definitions and operator actions go straight to the shared
 * {@link ScheduleStore}; firing is the {@link SlotFirer}'s, started by the first {@link #define}.
 */
public final class SchedulesImpl implements Schedules, AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ScheduleStore store;
  private final InstantSource clock;
  private final SlotFirer.Submitter submitter;
  private final SlotFirer firer;

  /**
   * @param warren the instance whose tasks the firings submit
   * @param store the shared store
   * @param clock the time source
   */
  SchedulesImpl(Warren warren, ScheduleStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    this.submitter = submitter(warren);
    this.firer = new SlotFirer(store, submitter, clock, instanceName());
  }

  /**
   * @param warren an instance
   * @return what submits the firings' tasks on its task queue
   */
  static SlotFirer.Submitter submitter(Warren warren) {
    // why: read at each use, as the instance starts its task queue on first use
    Supplier<TaskQueue> tasks = () -> (TaskQueue) warren.tasks();
    return new SlotFirer.Submitter() {
      @Override
      public void submit(ScheduleInfo s, String taskId, boolean again) {
        SchedulesImpl.submit(tasks.get(), s, taskId, again);
      }

      @Override
      public Submission submission(String taskId) {
        return tasks.get().submission(taskId);
      }
    };
  }

  /**
   * @param warren an instance
   * @return its schedules, on the store of its options' store URL
   */
  public static SchedulesImpl create(Warren warren) {
    ScheduleStore store = ScheduleStores.open(TaskStoreConfig.of(warren.options()));
    return new SchedulesImpl(warren, store, warren.options().clock());
  }

  /** {@code <pid>@<host>#<n>}: which process, and which Warren instance in it. */
  private static String instanceName() {
    // why: the runtime name is "pid@host" on every JVM we support, without a DNS lookup
    return ManagementFactory.getRuntimeMXBean().getName() + "#" + INSTANCES.incrementAndGet();
  }

  private static void submit(TaskQueue tasks, ScheduleInfo s, String taskId, boolean again) {
    JsonNode args;
    try {
      args = s.args() == null ? null : JsonDataCodec.MAPPER.readTree(s.args());
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "the stored arguments of schedule '" + s.name() + "' are not JSON: " + e.getMessage());
    }
    TaskOptions options = TaskOptions.builder().queue(s.queue()).build();
    tasks.submit(taskId, s.task(), args, options, again);
  }

  @Override
  public ScheduleInfo define(Schedule schedule) {
    String args;
    try {
      args =
          schedule.args() == null ? null : JsonDataCodec.MAPPER.writeValueAsString(schedule.args());
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "cannot encode the arguments of schedule '"
              + schedule.name()
              + "' as JSON: "
              + e.getOriginalMessage());
    }
    ScheduleInfo info =
        new ScheduleInfo(
            schedule.name(),
            schedule.cron(),
            schedule.zone().getId(),
            schedule.interval(),
            schedule.task(),
            args,
            schedule.queue(),
            schedule.missedSlots(),
            schedule.history(),
            false,
            // why: stores keep milliseconds; interval slots count from here on every instance
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            null,
            null,
            null);
    // why: the expression is checked here, so a bad one fails its definer, not the firing loop
    Slots.of(info);
    ScheduleInfo stored = store.upsert(info);
    firer.start();
    return withNext(stored);
  }

  @Override
  public List<ScheduleInfo> list() {
    List<ScheduleInfo> out = new ArrayList<>();
    for (ScheduleInfo s : store.list()) {
      out.add(withNext(s));
    }
    return out;
  }

  @Override
  public Optional<ScheduleInfo> get(String name) {
    return store.get(name).map(this::withNext);
  }

  private ScheduleInfo require(String name) {
    return store.get(name).orElseThrow(() -> new ScheduleNotFoundException(name));
  }

  @Override
  public ScheduleInfo pause(String name) {
    return store
        .setPaused(name, true, clock.instant())
        .map(this::withNext)
        .orElseThrow(() -> new ScheduleNotFoundException(name));
  }

  @Override
  public ScheduleInfo resume(String name) {
    return store
        .setPaused(name, false, clock.instant().truncatedTo(ChronoUnit.MILLIS))
        .map(this::withNext)
        .orElseThrow(() -> new ScheduleNotFoundException(name));
  }

  @Override
  public Firing trigger(String name) {
    ScheduleInfo s = require(name);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Firing claimed = null;
    // why: two triggers in the same millisecond are two firings; the slot is their key
    for (int i = 0; i < 100 && claimed == null; i++) {
      Firing f =
          new Firing(
              name,
              now.plusMillis(i),
              true,
              FiringState.CLAIMED,
              SlotFirer.newTaskId(),
              firer.instance(),
              now,
              null);
      if (store.claim(f, s.history())) {
        claimed = f;
      } else if (store.get(name).isEmpty()) {
        throw new ScheduleNotFoundException(name);
      }
    }
    if (claimed == null) {
      throw new InvalidInputException("schedule '" + name + "' is triggered too often");
    }
    try {
      submitter.submit(s, claimed.taskId(), false);
      Firing fired = claimed.with(FiringState.FIRED, claimed.taskId(), null);
      store.complete(fired);
      return fired;
    } catch (RuntimeException e) {
      store.complete(claimed.with(FiringState.FAILED, null, e.getMessage()));
      throw e;
    }
  }

  @Override
  public boolean delete(String name) {
    return store.delete(name);
  }

  @Override
  public List<Firing> history(String name, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit must be 1 or more, not " + limit);
    }
    require(name);
    return store.history(name, limit);
  }

  @Override
  public void startFiring() {
    firer.start();
  }

  @Override
  public String describeStore() {
    return store.describe();
  }

  /**
   * @return whether this instance fires slots
   */
  public boolean firing() {
    return firer.started();
  }

  private ScheduleInfo withNext(ScheduleInfo s) {
    if (s.paused()) {
      return s.withNextSlot(null);
    }
    return s.withNextSlot(Slots.of(s).next(SlotFirer.from(s)));
  }

  SlotFirer firer() {
    return firer;
  }

  @Override
  public void close() {
    firer.close();
    store.close();
  }
}
