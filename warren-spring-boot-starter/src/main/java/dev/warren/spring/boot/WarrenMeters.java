package dev.warren.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.springframework.beans.factory.DisposableBean;

/**
 * Puts Warren's meters ({@code warren.published}, {@code warren.handled}, {@code
 * warren.handler.duration}…) on the application's {@link MeterRegistry}: Warren registers them on
 * Micrometer's global registry, which Spring Boot joins to the application's registry unless {@code
 * management.metrics.use-global-registry=false}; in that case this joins them itself, and parts
 * them again when the context closes.
 */
final class WarrenMeters implements DisposableBean {
  private final MeterRegistry registry;
  private final boolean added;

  WarrenMeters(MeterRegistry registry) {
    this.registry = registry;
    this.added = !reachedFromGlobal(registry);
    if (added) {
      Metrics.addRegistry(registry);
    }
  }

  /**
   * @return whether the global registry already feeds {@code registry}, directly or through all the
   *     registries of a composite (adding it again would count every event twice)
   */
  private static boolean reachedFromGlobal(MeterRegistry registry) {
    var global = Metrics.globalRegistry.getRegistries();
    if (global.contains(registry)) {
      return true;
    }
    return registry instanceof CompositeMeterRegistry composite
        && !composite.getRegistries().isEmpty()
        && global.containsAll(composite.getRegistries());
  }

  /**
   * @return whether this joined the registry to the global one
   */
  boolean joined() {
    return added;
  }

  @Override
  public void destroy() {
    if (added) {
      Metrics.removeRegistry(registry);
    }
  }
}
