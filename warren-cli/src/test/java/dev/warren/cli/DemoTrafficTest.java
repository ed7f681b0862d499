package dev.warren.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.DeadLetter;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.TaskQuery;
import dev.warren.lineage.Delivery;
import dev.warren.lineage.Outcome;
import dev.warren.tasks.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code warren server --demo}'s traffic gives the console a failing subscription and tasks. */
class DemoTrafficTest {

  @Test
  void billingDeadLettersTwoKindsOfErrorAndHandlesThemOnceReplayed() {
    try (Warren warren =
        Warren.create(WarrenOptions.builder().memoryBroker("demo-traffic-test").build())) {
      DemoTraffic traffic = DemoTraffic.start(warren, Duration.ofMillis(100));
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    warren.deadLetters("demo.billing").peek(100).stream()
                        .map(DeadLetter::errorType)
                        .collect(java.util.stream.Collectors.toSet()),
                types ->
                    types.stream().anyMatch(t -> t.endsWith("IllegalStateException"))
                        && types.stream().anyMatch(t -> t.endsWith("IllegalArgumentException")));
        List<DeadLetter> dead = warren.deadLetters("demo.billing").peek(100);
        DeadLetter timeout =
            dead.stream()
                .filter(d -> d.errorType().endsWith("IllegalStateException"))
                .findFirst()
                .orElseThrow();
        assertThat(timeout.attempts()).isEqualTo(DemoTraffic.BILLING_RETRY.maxAttempts());
        assertThat(timeout.errorMessage()).contains("payment gateway timed out");

        assertThat(warren.deadLetters("demo.billing").replay(List.of(timeout.id()))).isEqualTo(1);
        String eventId = timeout.event().id();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    warren.lineage().event(eventId).orElseThrow().deliveries().stream()
                        .filter(d -> d.subscription().equals("demo.billing"))
                        .map(Delivery::outcome)
                        .toList(),
                outcomes -> outcomes.contains(Outcome.HANDLED));

        // a render task moves through PROGRESS
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    warren
                        .admin()
                        .tasks(
                            new TaskQuery(
                                Set.of(TaskState.PROGRESS, TaskState.SUCCESS),
                                DemoTraffic.RENDER,
                                10)),
                tasks -> !tasks.isEmpty());
        // shipping's effects are in the lineage of each order
        assertThat(warren.admin().subscriptions())
            .extracting(s -> s.name())
            .contains("demo.shipping", "demo.audit", "demo.billing");
      } finally {
        traffic.close();
      }
    }
  }
}
