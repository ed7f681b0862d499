package dev.warren.lineage;

/** What happened to an event in a subscription, one step at a time. */
public enum Outcome {
  /** The handler returned and the event was acknowledged. */
  HANDLED,
  /** The handler failed; the event will be tried again. */
  RETRIED,
  /** The event was moved to the subscription's dead-letter queue. */
  DEAD_LETTERED,
  /** The event was sent back from the dead-letter queue to its subscription. */
  REPLAYED
}
