package dev.warren.examples.gateway;

import dev.warren.EventType;
import dev.warren.PartitionKey;
import java.math.BigDecimal;

/**
 * The events of the LLM gateway (seeds 000 and 001), as records: the type each is published as, and
 * for spend the partition key that keeps one key's spend in order.
 */
final class GatewayEvents {
  private GatewayEvents() {}

  /** A virtual key's settings changed: every core instance must drop it from its cache. */
  @EventType("virtual-key.updated")
  record VirtualKeyUpdated(String keyId, String change) {}

  /** A virtual key was deleted. */
  @EventType("virtual-key.deleted")
  record VirtualKeyDeleted(String keyId) {}

  /**
   * A request's cost, to add to the key's spend. {@code sequence} counts the key's requests from 1,
   * so the ledger can tell a duplicate or a gap.
   */
  @EventType("virtual-key.spend-requested")
  record SpendRequested(@PartitionKey String keyId, long sequence, BigDecimal amount) {}

  /** A provider's credentials changed. */
  @EventType("provider.updated")
  record ProviderUpdated(String provider, String change) {}

  /** A provider was removed. */
  @EventType("provider.deleted")
  record ProviderDeleted(String provider) {}

  /** An image generation task finished with an image. */
  @EventType("image.completed")
  record ImageCompleted(String taskId, String prompt, String url) {}

  /** An image generation task gave up. */
  @EventType("image.failed")
  record ImageFailed(String taskId, String prompt, String reason) {}
}
