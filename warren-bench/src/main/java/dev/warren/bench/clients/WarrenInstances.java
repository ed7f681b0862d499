package dev.warren.bench.clients;

import dev.warren.Warren;
import dev.warren.WarrenOptions;

/**
 * Creates Warren instances with lineage recording switched on or off, whatever {@code
 * WARREN_LINEAGE} says: Warren reads the switch (the system property {@code warren.lineage}, then
 * the environment variable) once, when an instance is created, so it is set around {@link
 * Warren#create} and put back afterwards.
 */
public final class WarrenInstances {
  private static final String LINEAGE = "warren.lineage";

  private WarrenInstances() {}

  /**
   * @param options the options
   * @param lineage whether to record lineage, or {@code null} for Warren's default (the
   *     environment's setting, on unless {@code WARREN_LINEAGE=off})
   * @return the instance
   */
  public static Warren create(WarrenOptions options, Boolean lineage) {
    if (lineage == null) {
      return Warren.create(options);
    }
    // why: the property is process-wide; two contenders opening at once must not mix their values
    synchronized (WarrenInstances.class) {
      String before = System.getProperty(LINEAGE);
      System.setProperty(LINEAGE, lineage ? "on" : "off");
      try {
        return Warren.create(options);
      } finally {
        if (before == null) {
          System.clearProperty(LINEAGE);
        } else {
          System.setProperty(LINEAGE, before);
        }
      }
    }
  }
}
