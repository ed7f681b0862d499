package dev.warren.examples.eventhub;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.examples.eventhub.HubEvents.PaymentCaptured;
import dev.warren.examples.eventhub.HubEvents.PaymentRequested;

/**
 * Payments: subscribes to every action on one entity with {@code *} (one word). It charges each
 * requested payment and says so; the capture it publishes comes back to it too, and is filed.
 */
final class Payments {
  static final Subscription SUBSCRIPTION =
      Subscription.named("examples.event-hub.payments").pattern("commerce.payment.*");

  private Payments() {}

  static void start(Warren warren, HubLog log) {
    warren.subscribe(
        SUBSCRIPTION,
        event -> {
          if (event.type().equals("commerce.payment.requested")) {
            PaymentRequested request = event.data(PaymentRequested.class);
            log.received(
                SUBSCRIPTION.name(),
                event,
                "charges " + request.amount() + " for " + request.orderId());
            PaymentCaptured captured =
                new PaymentCaptured(
                    request.orderId(), request.amount(), "pay-" + request.orderId().substring(4));
            log.published("payments", warren.publish(captured).join());
          } else {
            log.received(SUBSCRIPTION.name(), event, "files the receipt of " + event.type());
          }
        });
  }
}
