package dev.warren.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.DeadLetter;
import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.admin.WarrenAdmin;
import dev.warren.spring.boot.test.WarrenTest;
import dev.warren.test.WarrenHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The two sinks on the harness, without HTTP or a broker: each interaction reaches both; one naming
 * an unknown product is dead-lettered by the edge writer alone, and replayed once the catalog knows
 * the product.
 */
@WarrenTest
@Import(Catalog.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class InteractionSinksTest {
  @Autowired WarrenHarness harness;
  @Autowired Warren warren;
  @Autowired WarrenAdmin admin;
  @Autowired EdgeWriter edges;
  @Autowired UserCounters counters;
  @Autowired Catalog catalog;

  private Event publish(Interaction interaction) {
    return warren.publish(interaction.eventType(), interaction).join();
  }

  @Test
  void eachInteractionReachesBothSinks() {
    List<Event> published =
        List.of(
            publish(new Interaction(1, "ada", "p-1", "viewed")),
            publish(new Interaction(2, "ada", "p-1", "carted")),
            publish(new Interaction(3, "bob", "p-2", "purchased")));

    for (Event event : published) {
      harness.awaitHandled("interactions.edges", event.id());
      harness.awaitHandled("interactions.counters", event.id());
    }
    assertThat(edges.count()).isEqualTo(3);
    assertThat(edges.totalWeight()).isEqualTo(1 + 3 + 5);
    assertThat(counters.snapshot())
        .isEqualTo(
            Map.of("ada", Map.of("carted", 1L, "viewed", 1L), "bob", Map.of("purchased", 1L)));
  }

  @Test
  void anUnknownProductIsDeadLetteredAtOnceAndReplayedOnceTheCatalogKnowsIt() {
    Event unknown = publish(new Interaction(1, "cyd", "p-99", "carted"));

    harness.awaitHandled("interactions.counters", unknown.id());
    List<DeadLetter> dead = harness.deadLetters("interactions.edges");
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).event().id()).isEqualTo(unknown.id());
    assertThat(dead.get(0).errorType()).endsWith("UnknownProductException");
    assertThat(dead.get(0).attempts()).as("not retryable: one attempt").isEqualTo(1);
    assertThat(edges.count()).isZero();

    catalog.add("p-99");
    assertThat(admin.deadLetters("interactions.edges").replay()).isEqualTo(1);
    harness.awaitIdle();

    assertThat(edges.count()).isEqualTo(1);
    assertThat(harness.deadLetters("interactions.edges")).isEmpty();
    assertThat(counters.total()).as("the replay goes to the edge writer only").isEqualTo(1);
  }
}
