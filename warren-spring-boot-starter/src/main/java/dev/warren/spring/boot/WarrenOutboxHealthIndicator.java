package dev.warren.spring.boot;

import dev.warren.outbox.OutboxHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The outbox's health, as {@code warrenOutbox} in {@code /actuator/health} and in the readiness
 * group: DOWN while the oldest unsent event is older than {@code warren.outbox.degraded-after} (the
 * relay does not keep up, or cannot publish: its last problem is in the details), or while the
 * outbox cannot be read, or while this application's relay is stopped; UP otherwise, with the
 * backlog's depth and age. One query on the outbox table per check.
 *
 * <p>why DOWN and not a status of its own ("DEGRADED"): Spring Boot's status aggregation ignores
 * statuses outside its configured order, so a custom one would never take the instance out of
 * readiness.
 */
public final class WarrenOutboxHealthIndicator implements HealthIndicator {
  private final OutboxRelayLifecycle relay;

  /**
   * @param relay the relay bean
   */
  WarrenOutboxHealthIndicator(OutboxRelayLifecycle relay) {
    this.relay = relay;
  }

  @Override
  public Health health() {
    OutboxHealth health = relay.health();
    if (health == null) {
      return Health.down()
          .withDetail("table", relay.outbox().table())
          .withDetail("reason", "the outbox relay is stopped")
          .build();
    }
    Health.Builder b = health.status() == OutboxHealth.Status.UP ? Health.up() : Health.down();
    b.withDetail("table", relay.outbox().table())
        .withDetail("status", health.status().name())
        .withDetail("depth", health.depth())
        .withDetail("oldestUnsentAge", health.oldestUnsentAge().toString());
    if (health.problem() != null) {
      b.withDetail("reason", health.problem());
    }
    return b.build();
  }
}
