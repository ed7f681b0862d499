package dev.warren.schedules;

/** Where a {@link Firing} of a schedule stands. */
public enum FiringState {
  /** An instance claimed the slot and is submitting its task (taken over if that instance dies). */
  CLAIMED,
  /** The task was submitted and the broker confirmed it; {@link Firing#taskId()} names it. */
  FIRED,
  /** The slot was missed and the schedule's {@link MissedSlots#SKIP} policy skipped it. */
  SKIPPED,
  /** A manual trigger whose task the broker did not take; {@link Firing#detail()} says why. */
  FAILED
}
