package dev.warren.spring.boot.test;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.spring.boot.WarrenAutoConfiguration;
import dev.warren.test.WarrenHarness;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The harness and its {@link Warren} as beans, before {@link WarrenAutoConfiguration}, whose {@code
 * Warren} bean then backs off. Imported by {@link AutoConfigureWarrenHarness}; not an
 * auto-configuration an application gets by itself.
 */
@AutoConfiguration(before = WarrenAutoConfiguration.class)
public class WarrenHarnessAutoConfiguration {
  /** Created by Spring. */
  public WarrenHarnessAutoConfiguration() {}

  /**
   * @param options the application's options ({@code warren.*}, its mapper, its observation
   *     registry); the harness replaces the transport, the broker and the clock
   * @return the harness, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public WarrenHarness warrenHarness(WarrenOptions options) {
    return WarrenHarness.builder().options(options).build();
  }

  /**
   * @param harness the harness
   * @return its instance, started; the harness closes it
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public Warren warren(WarrenHarness harness) {
    return harness.warren();
  }
}
