package dev.warren.internal.lineage;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.EngineListener;
import dev.warren.internal.engine.EngineListenerFactory;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.tasks.TaskStoreConfig;
import java.util.Locale;

/**
 * Gives every engine a {@link LineageRecorder} on the store of {@code WARREN_STORE_URL} (the task
 * store's setting, so one URL configures both), unless {@code WARREN_LINEAGE} (or the system
 * property {@code warren.lineage}) is {@code off}.
 */
public final class LineageRecorderFactory implements EngineListenerFactory {
  /** How many records may wait for the writer; beyond, they are dropped and counted. */
  static final int QUEUE_CAPACITY = Integer.getInteger("warren.lineage.queue", 65_536);

  @Override
  public EngineListener create(WarrenOptions options, WarrenEngine engine) {
    if (!enabled()) {
      return null;
    }
    TaskStoreConfig config = TaskStoreConfig.fromEnvironment();
    String display = config.urlForDisplay();
    return new LineageRecorder(
        () -> LineageStores.open(config.url(), display), display, QUEUE_CAPACITY);
  }

  static boolean enabled() {
    String v = System.getProperty("warren.lineage");
    if (v == null || v.isBlank()) {
      v = System.getenv("WARREN_LINEAGE");
    }
    if (v == null) {
      return true;
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    return !(s.equals("off") || s.equals("false") || s.equals("0"));
  }
}
