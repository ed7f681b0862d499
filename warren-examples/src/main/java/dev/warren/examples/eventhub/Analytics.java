package dev.warren.examples.eventhub;

import dev.warren.Subscription;
import dev.warren.Warren;

/**
 * Analytics: subscribes to a whole domain with {@code #} (any number of words) and counts what
 * happens in it. It publishes nothing.
 */
final class Analytics {
  static final Subscription SUBSCRIPTION =
      Subscription.named("examples.event-hub.analytics").pattern("commerce.#");

  private Analytics() {}

  static void start(Warren warren, HubLog log) {
    warren.subscribe(
        SUBSCRIPTION, event -> log.received(SUBSCRIPTION.name(), event, "counts " + event.type()));
  }
}
