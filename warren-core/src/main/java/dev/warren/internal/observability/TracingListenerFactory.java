package dev.warren.internal.observability;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.EngineListener;
import dev.warren.internal.engine.EngineListenerFactory;
import dev.warren.internal.engine.WarrenEngine;
import io.opentelemetry.api.GlobalOpenTelemetry;

/**
 * Gives every engine a {@link TracingListener} on {@link GlobalOpenTelemetry}, resolved on each use
 * so an SDK the application installs after Warren started is still picked up.
 */
public final class TracingListenerFactory implements EngineListenerFactory {
  @Override
  public EngineListener create(WarrenOptions options, WarrenEngine engine) {
    return new TracingListener(GlobalOpenTelemetry::get, options.exchange());
  }
}
