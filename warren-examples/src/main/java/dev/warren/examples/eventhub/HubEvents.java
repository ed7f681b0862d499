package dev.warren.examples.eventhub;

import dev.warren.EventType;
import java.math.BigDecimal;
import java.util.List;

/**
 * The event hub's events (seed 002), named {@code <domain>.<entity>.<action>} so consumers can bind
 * to one type, an entity's actions ({@code commerce.payment.*}) or a whole domain ({@code
 * commerce.#}).
 */
final class HubEvents {
  private HubEvents() {}

  /** One line of an order. */
  record OrderLine(String sku, int quantity) {}

  /** Published from a JSON file, as {@code ./warren publish --data-file} would. */
  @EventType("commerce.order.created")
  record OrderCreated(String orderId, String customer, List<OrderLine> lines, BigDecimal total) {}

  /** Fulfilment asks payments to charge the order. */
  @EventType("commerce.payment.requested")
  record PaymentRequested(String orderId, BigDecimal amount) {}

  /** Payments charged it. */
  @EventType("commerce.payment.captured")
  record PaymentCaptured(String orderId, BigDecimal amount, String paymentId) {}

  /** Fulfilment set the stock aside. */
  @EventType("commerce.inventory.reserved")
  record InventoryReserved(String orderId, List<String> skus) {}

  /** An event of another domain, which only the audit consumer's {@code #} receives. */
  @EventType("transcription.voice.completed")
  record VoiceTranscribed(String recordingId, int words) {}
}
