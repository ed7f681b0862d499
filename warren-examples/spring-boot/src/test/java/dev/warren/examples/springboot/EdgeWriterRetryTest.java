package dev.warren.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.spring.boot.test.WarrenTest;
import dev.warren.test.WarrenHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The edge writer's retries on the harness's virtual clock: a catalog that fails twice is retried
 * at once, then after the 200 ms delay, which passes when the test advances the clock.
 */
@WarrenTest
class EdgeWriterRetryTest {
  @Autowired WarrenHarness harness;
  @Autowired Warren warren;
  @Autowired EdgeWriter edges;
  @MockitoBean Catalog catalog;

  @Test
  void aFailingCatalogIsRetriedAtOnceThenAfterTheDelay() {
    when(catalog.knows("p-1"))
        .thenThrow(new IllegalStateException("catalog unavailable"))
        .thenThrow(new IllegalStateException("catalog unavailable"))
        .thenReturn(true);
    Interaction viewed = new Interaction(1, "ada", "p-1", "viewed");

    Event event = warren.publish(viewed.eventType(), viewed).join();
    harness.awaitIdle();
    assertThat(edges.count()).as("two attempts failed; the retry waits 200 ms").isZero();
    // why: the retry policy's default jitter moves the 200 ms by up to a tenth either way
    harness.advance(Duration.ofMillis(150));
    assertThat(edges.count()).isZero();
    harness.advance(Duration.ofMillis(100));

    assertThat(harness.awaitHandled("interactions.edges", event.id()).retries())
        .as("one at once, one after the delay")
        .isEqualTo(2);
    assertThat(edges.count()).isEqualTo(1);
    verify(catalog, times(3)).knows("p-1");
  }
}
