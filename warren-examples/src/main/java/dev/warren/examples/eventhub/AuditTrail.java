package dev.warren.examples.eventhub;

import dev.warren.Subscription;
import dev.warren.Warren;

/**
 * The audit trail: one subscription on {@code #}, so it receives every event on the exchange,
 * whatever its domain, and writes down who caused what.
 */
final class AuditTrail {
  static final Subscription SUBSCRIPTION =
      Subscription.named("examples.event-hub.audit").pattern("#");

  private AuditTrail() {}

  static void start(Warren warren, HubLog log) {
    warren.subscribe(
        SUBSCRIPTION,
        event ->
            log.received(
                SUBSCRIPTION.name(),
                event,
                "correlation "
                    + event.correlationId().orElse("-")
                    + ", caused by "
                    + (event.causationIds().isEmpty()
                        ? "-"
                        : String.join(",", event.causationIds()))));
  }
}
