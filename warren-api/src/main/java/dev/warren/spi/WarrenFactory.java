package dev.warren.spi;

import dev.warren.Warren;
import dev.warren.WarrenOptions;

/**
 * Creates {@link Warren} instances. Implemented by Warren's core and found through {@link
 * java.util.ServiceLoader}, which keeps the API free of any implementation dependency.
 */
public interface WarrenFactory {
  /**
   * @param options validated options
   * @return a started instance
   */
  Warren create(WarrenOptions options);
}
