package dev.warren.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Warren;
import dev.warren.spring.boot.WarrenAutoConfiguration;
import dev.warren.test.WarrenHarness;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * {@link AutoConfigureWarrenHarness} under a whole application context, and its auto-configuration
 * with and without an application's own harness.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "warren.transport=rabbitmq",
      "warren.rabbitmq.url=amqp://guest:guest@127.0.0.1:1/",
      "warren.connect-timeout=1s",
      "warren.exchange=bakery.events"
    })
@AutoConfigureWarrenHarness
class AutoConfigureWarrenHarnessTest {
  @Autowired WarrenHarness harness;
  @Autowired Warren warren;
  @Autowired ApplicationContext context;

  @Test
  void theWholeApplicationRunsOnTheHarnessWithItsOtherProperties() {
    assertThat(warren).isSameAs(harness.warren());
    assertThat(warren.describe()).startsWith("memory");
    assertThat(warren.options().exchange()).isEqualTo("bakery.events");
    assertThat(warren.options().codec()).as("the application's JSON mapper").isNotNull();
    assertThat(context.getBeansOfType(Till.class)).hasSize(1);
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  JacksonAutoConfiguration.class,
                  WarrenHarnessAutoConfiguration.class,
                  WarrenAutoConfiguration.class))
          .withPropertyValues("warren.transport=rabbitmq", "warren.rabbitmq.url=amqp://h:1/");

  @Test
  void itGivesAHarnessAndItsWarrenUnlessTheApplicationHasItsOwnHarness() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(WarrenHarness.class);
          assertThat(context).hasSingleBean(Warren.class);
          assertThat(context.getBean(Warren.class))
              .isSameAs(context.getBean(WarrenHarness.class).warren());
        });
    WarrenHarness own = WarrenHarness.builder().timeout(java.time.Duration.ofSeconds(3)).build();
    runner
        .withBean("ownHarness", WarrenHarness.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(WarrenHarness.class)).isSameAs(own);
              assertThat(context.getBean(Warren.class)).isSameAs(own.warren());
            });
  }
}
