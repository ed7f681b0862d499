package dev.warren.lineage;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One thing that happened to an event in a subscription.
 *
 * @param outcome what happened
 * @param at when
 * @param attempts how many times the handler had run for the event by then (0 for a replay)
 * @param duration how long the last handler run took; {@link Duration#ZERO} when not measured
 * @param error the failure ({@code type: message}) for {@link Outcome#RETRIED} and {@link
 *     Outcome#DEAD_LETTERED}, else {@code null}
 */
public record DeliveryStep(
    Outcome outcome, Instant at, long attempts, Duration duration, String error) {
  /** Canonical constructor: outcome and time are required, a missing duration is zero. */
  public DeliveryStep {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(at, "at");
    duration = duration == null ? Duration.ZERO : duration;
  }
}
