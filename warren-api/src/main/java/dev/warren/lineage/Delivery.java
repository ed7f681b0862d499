package dev.warren.lineage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What one subscription did with one event: every step in time order, and the outcome so far.
 *
 * @param subscription the subscription name
 * @param outcome where the event stands: the last step's outcome
 * @param retries how many times the handler failed and the event was tried again
 * @param replays how many times the event came back from the dead-letter queue
 * @param firstAt when the first step happened
 * @param lastAt when the last step happened
 * @param handlerTime the time its handler runs took, summed over the recorded steps
 * @param error the failure behind the outcome, or {@code null} when it is a success or a replay
 * @param steps every step, oldest first, except that a replay comes right after the dead-lettering
 *     it undid even when the broker confirmed it after the handling it caused
 */
public record Delivery(
    String subscription,
    Outcome outcome,
    int retries,
    int replays,
    Instant firstAt,
    Instant lastAt,
    Duration handlerTime,
    String error,
    List<DeliveryStep> steps) {

  /** Canonical constructor: steps become an immutable list. */
  public Delivery {
    Objects.requireNonNull(subscription, "subscription");
    steps = List.copyOf(steps);
  }

  /**
   * Sums up a subscription's steps, the one place that decides what a list of steps means.
   *
   * @param subscription the subscription
   * @param steps its steps for one event, in any order; at least one
   * @return the delivery
   */
  public static Delivery of(String subscription, List<DeliveryStep> steps) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a delivery has at least one step");
    }
    List<DeliveryStep> sorted =
        steps.stream().sorted(Comparator.comparing(DeliveryStep::at)).toList();
    // why: a replay is recorded when the broker confirms it, which may come after the replayed
    // event was already handled again; it is put right after the dead-lettering it undid
    List<DeliveryStep> ordered = new ArrayList<>(sorted.size());
    int unreplayed = -1;
    for (DeliveryStep s : sorted) {
      if (s.outcome() == Outcome.REPLAYED && unreplayed >= 0) {
        ordered.add(unreplayed + 1, s);
        unreplayed = -1;
        continue;
      }
      ordered.add(s);
      if (s.outcome() == Outcome.DEAD_LETTERED) {
        unreplayed = ordered.size() - 1;
      }
    }
    DeliveryStep last = ordered.get(ordered.size() - 1);
    int retries = 0;
    int replays = 0;
    Duration time = Duration.ZERO;
    for (DeliveryStep s : ordered) {
      if (s.outcome() == Outcome.RETRIED) {
        retries++;
      } else if (s.outcome() == Outcome.REPLAYED) {
        replays++;
      }
      time = time.plus(s.duration());
    }
    return new Delivery(
        subscription,
        last.outcome(),
        retries,
        replays,
        sorted.get(0).at(),
        sorted.get(sorted.size() - 1).at(),
        time,
        last.error(),
        ordered);
  }
}
