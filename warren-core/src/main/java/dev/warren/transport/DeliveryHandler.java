package dev.warren.transport;

/** Receives deliveries from a consumer, on a transport thread. */
@FunctionalInterface
public interface DeliveryHandler {
  /**
   * @param delivery the delivery; hand it off, do not block
   */
  void onDelivery(Delivery delivery);
}
