package dev.warren.examples.gateway;

import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.examples.gateway.GatewayEvents.ProviderDeleted;
import dev.warren.examples.gateway.GatewayEvents.ProviderUpdated;
import dev.warren.examples.gateway.GatewayEvents.SpendRequested;
import dev.warren.examples.gateway.GatewayEvents.VirtualKeyDeleted;
import dev.warren.examples.gateway.GatewayEvents.VirtualKeyUpdated;
import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's admin API: it changes virtual keys and providers and tells the core instances on
 * the bus. It is publisher-only, as in the seed: it never subscribes, so it declares no queue and
 * holds no consumer; publishing needs nothing but the exchange.
 */
final class AdminApi implements AutoCloseable {
  private final Warren warren;

  /**
   * @param warren the admin process's own instance
   */
  AdminApi(Warren warren) {
    this.warren = warren;
  }

  Warren warren() {
    return warren;
  }

  /** Publishes {@code virtual-key.updated} and returns once the broker confirmed it. */
  Event updateKey(String keyId, String change) {
    return warren.publish(new VirtualKeyUpdated(keyId, change)).join();
  }

  /** Publishes {@code virtual-key.deleted}. */
  Event deleteKey(String keyId) {
    return warren.publish(new VirtualKeyDeleted(keyId)).join();
  }

  /** Publishes {@code provider.updated}. */
  Event updateProvider(String provider, String change) {
    return warren.publish(new ProviderUpdated(provider, change)).join();
  }

  /** Publishes {@code provider.deleted}. */
  Event deleteProvider(String provider) {
    return warren.publish(new ProviderDeleted(provider)).join();
  }

  /**
   * Publishes {@code virtual-key.spend-requested} with the key as partition key, without waiting:
   * many can be in flight, and the broker keeps their order.
   */
  CompletableFuture<Event> requestSpend(String keyId, long sequence, BigDecimal amount) {
    return warren.publish(new SpendRequested(keyId, sequence, amount));
  }

  @Override
  public void close() {
    warren.close();
  }
}
