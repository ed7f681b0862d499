package dev.warren.spring.boot;

import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Warren's health, as {@code warren} in {@code /actuator/health} and in the readiness group: DOWN
 * while the broker is unreachable, while it blocks this instance's connection (a memory or disk
 * alarm: publishes would time out), or while a subscription of this instance has no consumer (its
 * events pile up unhandled); UP otherwise. It reads the instance's state only, so it costs no round
 * trip to the broker.
 */
public final class WarrenHealthIndicator implements HealthIndicator {
  private final Warren warren;

  /**
   * @param warren the instance to report on
   */
  public WarrenHealthIndicator(Warren warren) {
    this.warren = warren;
  }

  @Override
  public Health health() {
    Map<String, String> subscriptions = new TreeMap<>();
    List<SubscriptionHandle> handles = warren.subscriptions();
    for (SubscriptionHandle handle : handles) {
      subscriptions.put(handle.subscription().name(), handle.isActive() ? "consuming" : "stopped");
    }
    Health.Builder health = Health.up().withDetail("transport", warren.describe());
    if (!subscriptions.isEmpty()) {
      health.withDetail("subscriptions", subscriptions);
    }
    Optional<String> blocked = warren.blocked();
    if (!warren.isConnected()) {
      return health.down().withDetail("reason", "the broker is unreachable").build();
    }
    if (blocked.isPresent()) {
      return health
          .down()
          .withDetail("reason", "the broker blocks publishing: " + blocked.get())
          .build();
    }
    List<String> stopped =
        subscriptions.entrySet().stream()
            .filter(e -> e.getValue().equals("stopped"))
            .map(Map.Entry::getKey)
            .toList();
    if (!stopped.isEmpty()) {
      return health
          .down()
          .withDetail("reason", "subscriptions without a consumer: " + String.join(", ", stopped))
          .build();
    }
    return health.build();
  }
}
