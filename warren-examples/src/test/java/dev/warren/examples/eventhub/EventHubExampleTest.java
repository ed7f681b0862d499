package dev.warren.examples.eventhub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Event;
import dev.warren.WarrenOptions;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.eventhub.EventHubExample.Hub;
import dev.warren.lineage.Delivery;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.LineageNode;
import dev.warren.lineage.Outcome;
import dev.warren.testkit.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the event hub example end to end on the embedded transport and on RabbitMQ. */
class EventHubExampleTest {
  private static final String FULFILMENT = "examples.event-hub.fulfilment";
  private static final String PAYMENTS = "examples.event-hub.payments";
  private static final String ANALYTICS = "examples.event-hub.analytics";
  private static final String AUDIT = "examples.event-hub.audit";

  private final StringWriter narration = new StringWriter();
  private final AtomicReference<Hub> hub = new AtomicReference<>();

  @AfterEach
  void showNarration() {
    System.out.println(narration);
  }

  @Test
  @Timeout(60)
  void runsOnTheEmbeddedTransport() throws Exception {
    ExampleResult result =
        run(
            WarrenOptions.builder()
                .transport(WarrenOptions.TransportKind.MEMORY)
                // why: the example's instances must meet on one broker, shared by name
                .memoryBroker("examples-event-hub")
                .build());

    assertOutcome(result);
  }

  @Test
  @Timeout(60)
  void runsAgainFromACleanSlate() throws Exception {
    WarrenOptions memory =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            // why: the example's instances must meet on one broker, shared by name
            .memoryBroker("examples-event-hub")
            .build();
    run(memory);
    narration.getBuffer().setLength(0);

    assertOutcome(run(memory));
  }

  @Test
  @Timeout(90)
  void runsOnRabbitMq() throws Exception {
    try (TestBroker broker = TestBroker.create()) {
      ExampleResult result = run(broker.options().build());

      assertOutcome(result);
      assertThat(narration.toString()).contains("Transport: rabbitmq amqp://guest:***@");
    }
  }

  private ExampleResult run(WarrenOptions options) throws Exception {
    ExampleContext context =
        new ExampleContext(options, Map.of(), new PrintWriter(narration), Duration.ofSeconds(20));
    return new EventHubExample(hub::set).run(context);
  }

  private void assertOutcome(ExampleResult result) {
    Hub h = hub.get();
    Event order = h.order();
    String correlation = order.correlationId().orElseThrow();
    assertThat(correlation).startsWith("checkout-");
    assertThat(order.dataAsString()).contains("\"orderId\": \"ord-1042\"");
    assertThat(order.data(HubEvents.OrderCreated.class).total())
        .isEqualByComparingTo(new BigDecimal("42.50"));

    // each consumer received exactly what its pattern matches
    assertThat(types(h, FULFILMENT)).containsExactly("commerce.order.created");
    assertThat(types(h, PAYMENTS))
        .containsExactlyInAnyOrder("commerce.payment.requested", "commerce.payment.captured");
    assertThat(types(h, ANALYTICS))
        .containsExactlyInAnyOrder(
            "commerce.order.created",
            "commerce.payment.requested",
            "commerce.payment.captured",
            "commerce.inventory.reserved");
    assertThat(types(h, AUDIT))
        .containsExactlyInAnyOrder(
            "commerce.order.created",
            "commerce.payment.requested",
            "commerce.payment.captured",
            "commerce.inventory.reserved",
            "transcription.voice.completed");

    // the audit trail saw every published event, once
    Set<String> published =
        h.log().published().stream().map(p -> p.event().id()).collect(Collectors.toSet());
    assertThat(published).hasSize(5);
    assertThat(h.log().received(AUDIT))
        .extracting(r -> r.event().id())
        .containsExactlyInAnyOrderElementsOf(published);

    // the follow-ups carry the order's correlation and name their cause
    Map<String, Event> byType =
        h.log().published().stream()
            .collect(Collectors.toMap(p -> p.event().type(), p -> p.event()));
    Event requested = byType.get("commerce.payment.requested");
    Event captured = byType.get("commerce.payment.captured");
    Event reserved = byType.get("commerce.inventory.reserved");
    assertThat(List.of(requested, captured, reserved))
        .allSatisfy(e -> assertThat(e.correlationId()).contains(correlation));
    assertThat(requested.causationIds()).containsExactly(order.id());
    assertThat(reserved.causationIds()).containsExactly(order.id());
    assertThat(captured.causationIds()).containsExactly(requested.id());
    assertThat(byType.get("transcription.voice.completed").correlationId())
        .isNotEqualTo(Optional.of(correlation));

    // the lineage tree: order -> (payment.requested -> payment.captured, inventory.reserved)
    assertThat(h.tree().roots()).hasSize(1);
    LineageNode root = h.tree().roots().get(0);
    assertThat(root.event().id()).isEqualTo(order.id());
    assertThat(root.size()).isEqualTo(4);
    assertThat(root.children())
        .extracting(n -> n.event().id())
        .containsExactly(requested.id(), reserved.id());
    assertThat(root.children().get(0).children())
        .singleElement()
        .satisfies(n -> assertThat(n.event().id()).isEqualTo(captured.id()));
    assertThat(root.children().get(1).children()).isEmpty();
    assertThat(subscriptions(root.event())).containsExactlyInAnyOrder(FULFILMENT, ANALYTICS, AUDIT);
    assertThat(subscriptions(root.children().get(0).children().get(0).event()))
        .containsExactlyInAnyOrder(PAYMENTS, ANALYTICS, AUDIT);
    assertThat(root.event().deliveries())
        .extracting(Delivery::outcome)
        .containsOnly(Outcome.HANDLED);
    assertThat(h.correlation())
        .extracting(EventRecord::id)
        .startsWith(order.id())
        .containsExactlyInAnyOrder(order.id(), requested.id(), captured.id(), reserved.id());

    assertThat(result.figures())
        .containsEntry("events published", 5L)
        .containsEntry("deliveries", 12L)
        .containsEntry("audited", 5L)
        .containsEntry("lineage tree events", 4L);
    assertThat(narration.toString())
        .contains("--data-file ")
        .contains("--correlation-id " + correlation)
        .contains("├─ commerce.payment.requested " + requested.id())
        .contains("│  └─ commerce.payment.captured " + captured.id())
        .contains("└─ commerce.inventory.reserved " + reserved.id())
        .contains("every published event is in the trail, once");
  }

  private static List<String> types(Hub h, String subscription) {
    return h.log().received(subscription).stream().map(r -> r.event().type()).toList();
  }

  private static List<String> subscriptions(EventRecord e) {
    return e.deliveries().stream().map(Delivery::subscription).toList();
  }
}
