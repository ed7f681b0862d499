package dev.warren.internal.schedules;

import dev.warren.internal.tasks.TaskQueue.Submission;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.MissedSlots;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.spi.ScheduleStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop one instance runs to fire the store's schedules. Every {@link #TICK} it reads the
 * schedules, and for each one whose next slot has come it claims the slot in the store (a
 * conditional write only one instance wins), then submits the task and records the firing as {@link
 * FiringState#FIRED}. An instance that dies between claim and broker confirm leaves a {@link
 * FiringState#CLAIMED} firing; after {@link #LEASE} another instance takes it over and submits it.
 */
final class SlotFirer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlotFirer.class);

  /** How often the store is read for due slots: the most a firing is late by in normal running. */
  static final Duration TICK = Duration.ofMillis(250);

  /** A slot not fired this long after its time counts as missed (every instance was away). */
  static final Duration LATE = Duration.ofSeconds(10);

  /**
   * How long a claim may stay unfinished before another instance takes it over. why: well above a
   * broker confirm (milliseconds), so a live instance is never overtaken while it submits.
   */
  static final Duration LEASE = Duration.ofSeconds(15);

  /** The most missed slots counted, so a tiny interval after a long outage stays cheap. */
  private static final int MAX_DUE = 100_000;

  /** The most late (not yet missed) slots one tick fires for one schedule. */
  private static final int MAX_CATCH_UP = 100;

  /** Submits the firings' tasks, each under the task id its firing chose when it was claimed. */
  interface Submitter {
    /**
     * Submits a firing's task; returns once the broker confirmed it.
     *
     * @param schedule the schedule
     * @param taskId the task id, recorded with the claim
     * @param again whether an earlier submission under this id may have reached the broker
     */
    void submit(ScheduleInfo schedule, String taskId, boolean again);

    /**
     * @param taskId a task id a claim recorded
     * @return how far its submission got
     */
    Submission submission(String taskId);
  }

  private final ScheduleStore store;
  private final Submitter submitter;
  private final InstantSource clock;
  private final String instance;
  private final Map<String, Slots> slots = new ConcurrentHashMap<>();
  private ScheduledExecutorService loop;
  private long ticks;

  SlotFirer(ScheduleStore store, Submitter submitter, InstantSource clock, String instance) {
    this.store = store;
    this.submitter = submitter;
    this.clock = clock;
    this.instance = instance;
  }

  /** Starts the loop; idempotent. */
  synchronized void start() {
    if (loop != null) {
      return;
    }
    loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-schedules " + instance);
              t.setDaemon(true);
              return t;
            });
    loop.scheduleWithFixedDelay(this::safeTick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized boolean started() {
    return loop != null;
  }

  private void safeTick() {
    try {
      tick();
    } catch (RuntimeException e) {
      // why: a store outage must not end the loop; the next tick tries again
      log.warn("firing schedules failed, trying again in {} ms: {}", TICK.toMillis(), e.toString());
    }
  }

  /** One pass: fires what is due, and every fourth pass takes over stalled claims. */
  void tick() {
    Instant now = clock.instant();
    for (ScheduleInfo s : store.list()) {
      if (!s.paused()) {
        try {
          fireDue(s, now);
        } catch (RuntimeException e) {
          log.warn("schedule {} could not fire: {}", s.name(), e.toString());
        }
      }
    }
    if (ticks++ % 4 == 0) {
      recoverStalled(now);
    }
  }

  /**
   * Fires what is due of one schedule. Slots more than {@link #LATE} old are missed: handled as one
   * group by the schedule's {@link MissedSlots} policy. Slots due within that tolerance are each
   * fired, oldest first, so a slow tick or a busy instance delays slots but loses none.
   *
   * @param s a schedule
   * @param now the current time
   * @return the firings this instance claimed (another instance may have won the others)
   */
  List<Firing> fireDue(ScheduleInfo s, Instant now) {
    // why: parsing a cron expression on every tick would cost more than the rest of the tick
    Slots plan =
        slots.computeIfAbsent(
            s.cron() + "|" + s.zone() + "|" + s.interval() + "|" + s.createdAt(), k -> Slots.of(s));
    List<Firing> mine = new ArrayList<>();
    Instant from = from(s);
    Instant first = plan.next(from);
    if (first.isAfter(now)) {
      return mine;
    }
    Instant lateBefore = now.minus(LATE);
    if (first.isBefore(lateBefore)) {
      Instant latest = first;
      int missed = 1;
      while (missed < MAX_DUE) {
        Instant n = plan.next(latest);
        if (!n.isBefore(lateBefore)) {
          break;
        }
        latest = n;
        missed++;
      }
      String count = missed + " missed slot" + (missed == 1 ? "" : "s");
      boolean skip = s.missedSlots() == MissedSlots.SKIP;
      Firing f =
          new Firing(
              s.name(),
              latest,
              false,
              skip ? FiringState.SKIPPED : FiringState.CLAIMED,
              skip ? null : newTaskId(),
              instance,
              now,
              skip ? count + " skipped" : count + ", fired once");
      if (store.claim(f, s.history())) {
        mine.add(skip ? f : submit(s, f, false));
      }
      from = latest;
    }
    for (int i = 0; i < MAX_CATCH_UP; i++) {
      Instant slot = plan.next(from);
      if (slot.isAfter(now)) {
        break;
      }
      Firing f =
          new Firing(s.name(), slot, false, FiringState.CLAIMED, newTaskId(), instance, now, null);
      if (store.claim(f, s.history())) {
        mine.add(submit(s, f, false));
      }
      // why: lost means another instance claimed this slot or a later one; the store refuses
      // anything not after its last slot, so trying the next one is safe
      from = slot;
    }
    return mine;
  }

  /** Where the next slot is counted from: the last claimed slot, a resume, or the creation. */
  static Instant from(ScheduleInfo s) {
    Instant from = s.createdAt();
    if (s.lastSlot() != null && s.lastSlot().isAfter(from)) {
      from = s.lastSlot();
    }
    if (s.resumedAt() != null && s.resumedAt().isAfter(from)) {
      from = s.resumedAt();
    }
    return from;
  }

  /**
   * A task id for a claim. why: chosen before the task is submitted and recorded with the claim, so
   * an instance taking the claim over can tell from the task store whether the task went out.
   */
  static String newTaskId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Submits a claimed firing's task under the id of its claim; when that fails the claim stays, to
   * be taken over after the lease.
   */
  Firing submit(ScheduleInfo s, Firing claimed, boolean again) {
    try {
      submitter.submit(s, claimed.taskId(), again);
    } catch (RuntimeException e) {
      log.warn(
          "schedule {} slot {}: task not submitted, retried after {}s: {}",
          s.name(),
          claimed.slot(),
          LEASE.toSeconds(),
          e.toString());
      return claimed;
    }
    Firing fired = claimed.with(FiringState.FIRED, claimed.taskId(), null);
    store.complete(fired);
    return fired;
  }

  /**
   * Takes over the claims not finished within the {@link #LEASE}: their instance died or lost the
   * broker between claim and record. Whether the task went out is read from the task store, which a
   * submission writes before it publishes: a task a worker has had is recorded as fired, not sent
   * again; one never stored is submitted; one stored and not yet run is sent again under the same
   * id, for workers to drop if the first copy ran.
   */
  void recoverStalled(Instant now) {
    for (Firing f : store.stalled(now.minus(LEASE))) {
      if (!store.takeOver(f.schedule(), f.slot(), f.manual(), instance, now, now.minus(LEASE))) {
        continue;
      }
      Optional<ScheduleInfo> s = store.get(f.schedule());
      if (s.isEmpty()) {
        continue;
      }
      // why: a claim recorded by a version that chose the id at submission has none
      Submission got = f.taskId() == null ? Submission.NONE : submitter.submission(f.taskId());
      String taskId = f.taskId() == null ? newTaskId() : f.taskId();
      Firing claim =
          new Firing(
              f.schedule(),
              f.slot(),
              f.manual(),
              FiringState.CLAIMED,
              taskId,
              instance,
              now,
              "taken over from " + f.instance());
      log.info(
          "schedule {} slot {}: claimed by {} but not recorded as fired; its task {} {}",
          f.schedule(),
          f.slot(),
          f.instance(),
          taskId,
          switch (got) {
            case NONE -> "was not submitted: submitting it here";
            case STORED -> "may not have reached the broker: sending it again";
            case DELIVERED -> "was submitted";
          });
      if (got == Submission.DELIVERED) {
        store.complete(
            claim.with(
                FiringState.FIRED, taskId, claim.detail() + ", which had submitted its task"));
      } else {
        submit(s.get(), claim, got == Submission.STORED);
      }
    }
  }

  String instance() {
    return instance;
  }

  @Override
  public synchronized void close() {
    if (loop != null) {
      loop.shutdownNow();
      try {
        if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("the schedule loop of {} did not stop within 5 s", instance);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
