package dev.warren.internal.observability;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.EngineListener;
import dev.warren.internal.engine.EngineListenerFactory;
import dev.warren.internal.engine.WarrenEngine;
import io.micrometer.core.instrument.Metrics;

/** Gives every engine a {@link MetricsListener} on Micrometer's global registry. */
public final class MetricsListenerFactory implements EngineListenerFactory {
  @Override
  public EngineListener create(WarrenOptions options, WarrenEngine engine) {
    return new MetricsListener(Metrics.globalRegistry);
  }
}
