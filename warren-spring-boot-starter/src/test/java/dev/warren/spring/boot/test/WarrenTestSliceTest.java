package dev.warren.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.test.WarrenHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/** {@link WarrenTest}: only Warren and the handlers' components, on the harness's clock. */
@WarrenTest
@TestPropertySource(
    properties = {
      "warren.transport=rabbitmq",
      "warren.rabbitmq.url=amqp://guest:guest@127.0.0.1:1/",
      "warren.connect-timeout=1s"
    })
class WarrenTestSliceTest {
  @Autowired WarrenHarness harness;
  @Autowired Warren warren;
  @Autowired Oven oven;
  @Autowired ApplicationContext context;

  @Test
  void theSliceHoldsTheHandlersComponentsOnTheHarnessNotTheConfiguredBroker() {
    assertThat(warren).isSameAs(harness.warren());
    assertThat(warren.describe()).startsWith("memory");
    assertThat(context.getBeansOfType(Till.class))
        .as("a component without Warren methods is left out")
        .isEmpty();
  }

  @Test
  void aRetryAMinuteLaterRunsWhenTheTestAdvancesTheClock() {
    Event ordered = warren.publish(new Bakery.Ordered("rye")).join();

    harness.awaitIdle();
    assertThat(oven.baked).as("the first bake failed; its retry waits a minute").isEmpty();
    harness.advance(Duration.ofSeconds(50));
    assertThat(oven.baked).as("the retry is due after a minute, give or take its jitter").isEmpty();
    // why: the retry policy's default jitter moves the minute by up to a tenth either way
    harness.advance(Duration.ofSeconds(20));

    assertThat(harness.awaitHandled("oven", ordered.id()).retries()).isEqualTo(1);
    Bakery.Baked baked = harness.awaitPublished("bread.baked").data(Bakery.Baked.class);
    assertThat(baked).isEqualTo(new Bakery.Baked("rye", 2));
  }
}
