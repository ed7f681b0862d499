package dev.warren.schedules;

/**
 * What a schedule does with slots that no instance fired in time (every instance was down, or the
 * store could not be reached): at most one firing is made up for them, never a burst.
 */
public enum MissedSlots {
  /** Fire once for all the missed slots, as soon as an instance can, then go on as planned. */
  FIRE_ONCE,
  /** Record the missed slots as skipped and wait for the next one. */
  SKIP
}
