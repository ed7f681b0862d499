package dev.warren.bench.clients;

import dev.warren.Warren;
import dev.warren.WarrenOptions;

/**
 * Creates Warren instances with lineage recording switched on or off ({@link
 * WarrenOptions#lineage()}).
 */
public final class WarrenInstances {
  private WarrenInstances() {}

  /**
   * @param options the options
   * @param lineage whether to record lineage, or {@code null} for what the options say (on unless
   *     {@code WARREN_LINEAGE=off} when they come from the environment)
   * @return the instance
   */
  public static Warren create(WarrenOptions options, Boolean lineage) {
    return Warren.create(lineage == null ? options : options.toBuilder().lineage(lineage).build());
  }
}
