package dev.warren.examples.eventhub;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.examples.eventhub.HubEvents.InventoryReserved;
import dev.warren.examples.eventhub.HubEvents.OrderCreated;
import dev.warren.examples.eventhub.HubEvents.OrderLine;
import dev.warren.examples.eventhub.HubEvents.PaymentRequested;

/**
 * Order fulfilment: subscribes to exactly one event type. For each new order it asks for the
 * payment and reserves the stock; Warren fills in both events' correlation and causation from the
 * order being handled.
 */
final class Fulfilment {
  static final Subscription SUBSCRIPTION =
      Subscription.named("examples.event-hub.fulfilment").pattern("commerce.order.created");

  private Fulfilment() {}

  static void start(Warren warren, HubLog log) {
    warren.subscribe(
        SUBSCRIPTION,
        event -> {
          OrderCreated order = event.data(OrderCreated.class);
          log.received(
              SUBSCRIPTION.name(),
              event,
              "order " + order.orderId() + ": asks for payment, reserves stock");
          log.published(
              "orders",
              warren.publish(new PaymentRequested(order.orderId(), order.total())).join());
          log.published(
              "orders",
              warren
                  .publish(
                      new InventoryReserved(
                          order.orderId(), order.lines().stream().map(OrderLine::sku).toList()))
                  .join());
        });
  }
}
