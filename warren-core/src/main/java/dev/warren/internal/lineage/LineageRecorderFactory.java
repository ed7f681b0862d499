package dev.warren.internal.lineage;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.EngineListener;
import dev.warren.internal.engine.EngineListenerFactory;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.tasks.TaskStoreConfig;

/**
 * Gives every engine a {@link LineageRecorder} on the store of its {@link WarrenOptions#storeUrl()}
 * (the task store's setting, so one URL configures both), unless its {@link
 * WarrenOptions#lineage()} is off.
 */
public final class LineageRecorderFactory implements EngineListenerFactory {
  /**
   * How many records may wait for the writer; beyond, they are dropped and counted. why: a constant
   * rather than a setting: a store that falls this far behind needs fixing, not a longer queue.
   */
  static final int QUEUE_CAPACITY = 65_536;

  @Override
  public EngineListener create(WarrenOptions options, WarrenEngine engine) {
    if (!options.lineage()) {
      return null;
    }
    TaskStoreConfig config = TaskStoreConfig.of(options);
    String display = config.urlForDisplay();
    return new LineageRecorder(
        () -> LineageStores.open(config.url(), display), display, QUEUE_CAPACITY);
  }
}
