package dev.warren.admin;

import dev.warren.Subscription;
import java.util.List;

/**
 * A subscription as the broker and this instance see it.
 *
 * @param name the subscription
 * @param mode competing, broadcast or ordered; {@code null} when only its queues were found and
 *     their shape does not say
 * @param patterns its topic patterns (the bindings found on the broker, or the running
 *     subscription's)
 * @param queues its queues: one for competing, one per instance for broadcast, one per partition
 *     for ordered
 * @param ready ready messages over all its queues
 * @param unacknowledged messages being handled over all its queues, or {@code -1} when unknown
 * @param consumers consumers over all its queues
 * @param deadLetters messages in its dead-letter queue
 * @param waiting messages held in its wait queues for a delayed retry
 * @param rates rates summed over its queues, or {@link MessageRates#UNKNOWN}
 * @param runningHere whether this instance runs it
 */
public record SubscriptionInfo(
    String name,
    Subscription.Mode mode,
    List<String> patterns,
    List<String> queues,
    long ready,
    long unacknowledged,
    int consumers,
    long deadLetters,
    long waiting,
    MessageRates rates,
    boolean runningHere) {
  /** Canonical constructor: copies the lists. */
  public SubscriptionInfo {
    patterns = patterns == null ? List.of() : List.copyOf(patterns);
    queues = queues == null ? List.of() : List.copyOf(queues);
    rates = rates == null ? MessageRates.UNKNOWN : rates;
  }
}
