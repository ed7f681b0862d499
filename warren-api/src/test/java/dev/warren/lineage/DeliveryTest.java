package dev.warren.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a subscription's steps add up to one delivery. */
class DeliveryTest {
  private final Instant t0 = Instant.parse("2026-11-23T12:00:00Z");

  private DeliveryStep step(Outcome o, int millis, String error) {
    return new DeliveryStep(o, t0.plusMillis(millis), 1, Duration.ofMillis(1), error);
  }

  @Test
  void aReplayConfirmedAfterItsHandlingStillComesBeforeIt() {
    Delivery d =
        Delivery.of(
            "stock",
            List.of(
                step(Outcome.HANDLED, 30, null),
                step(Outcome.DEAD_LETTERED, 10, "boom"),
                step(Outcome.REPLAYED, 31, null)));

    assertThat(d.steps())
        .extracting(DeliveryStep::outcome)
        .containsExactly(Outcome.DEAD_LETTERED, Outcome.REPLAYED, Outcome.HANDLED);
    assertThat(d.outcome()).isEqualTo(Outcome.HANDLED);
    assertThat(d.error()).isNull();
    assertThat(d.firstAt()).isEqualTo(t0.plusMillis(10));
    assertThat(d.lastAt()).isEqualTo(t0.plusMillis(31));
  }

  @Test
  void aReplayNotYetHandledIsWhereTheEventStands() {
    Delivery d =
        Delivery.of(
            "stock",
            List.of(step(Outcome.DEAD_LETTERED, 10, "boom"), step(Outcome.REPLAYED, 20, null)));

    assertThat(d.outcome()).isEqualTo(Outcome.REPLAYED);
    assertThat(d.replays()).isEqualTo(1);
    assertThat(d.error()).isNull();
  }

  @Test
  void aDeadLetteringKeepsItsError() {
    Delivery d =
        Delivery.of(
            "stock",
            List.of(step(Outcome.RETRIED, 1, "first"), step(Outcome.DEAD_LETTERED, 2, "last")));

    assertThat(d.outcome()).isEqualTo(Outcome.DEAD_LETTERED);
    assertThat(d.retries()).isEqualTo(1);
    assertThat(d.error()).isEqualTo("last");
    assertThat(d.handlerTime()).isEqualTo(Duration.ofMillis(2));
  }
}
