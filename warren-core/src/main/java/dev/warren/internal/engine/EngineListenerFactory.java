package dev.warren.internal.engine;

import dev.warren.WarrenOptions;

/**
 * Contributes an {@link EngineListener} to every engine; found through {@link
 * java.util.ServiceLoader}, so lineage recording, metrics and tracing plug in without the engine
 * knowing them.
 */
public interface EngineListenerFactory {
  /**
   * @param options the engine's options
   * @param engine the engine being started
   * @return a listener, or {@code null} for none
   */
  EngineListener create(WarrenOptions options, WarrenEngine engine);
}
