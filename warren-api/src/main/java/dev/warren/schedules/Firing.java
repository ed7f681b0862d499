package dev.warren.schedules;

import java.time.Instant;
import java.util.Objects;

/**
 * One firing of a schedule: the slot it stands for and the task it submitted. A slot is fired at
 * most once across all instances that share a store.
 *
 * @param schedule the schedule's name
 * @param slot the instant the schedule planned (for a manual trigger, when it was triggered)
 * @param manual whether {@link Schedules#trigger(String)} made it, outside the plan
 * @param state where it stands
 * @param taskId the id of its task, chosen when the slot is claimed (so an instance taking the
 *     claim over submits the same task); {@code null} for a skipped or failed firing
 * @param instance the instance that claimed it last
 * @param at when it was claimed last
 * @param detail why it is what it is (for example {@code "3 missed slots, fired once"}), or {@code
 *     null}
 */
public record Firing(
    String schedule,
    Instant slot,
    boolean manual,
    FiringState state,
    String taskId,
    String instance,
    Instant at,
    String detail) {
  /** Checks the required parts. */
  public Firing {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(at, "at");
  }

  /**
   * @param newState the new state
   * @param newTaskId the submitted task's id, or {@code null}
   * @param newDetail the new detail, or {@code null} to keep this one
   * @return this firing in another state
   */
  public Firing with(FiringState newState, String newTaskId, String newDetail) {
    return new Firing(
        schedule,
        slot,
        manual,
        newState,
        newTaskId,
        instance,
        at,
        newDetail == null ? detail : newDetail);
  }
}
