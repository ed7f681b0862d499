package dev.warren.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.WarrenOptions;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.gateway.GatewayExample.Gateway;
import dev.warren.examples.gateway.ImageTasks.Update;
import dev.warren.testkit.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the gateway example end to end on the embedded transport and on RabbitMQ. */
class GatewayExampleTest {
  private final StringWriter narration = new StringWriter();
  private final AtomicReference<Gateway> running = new AtomicReference<>();

  @AfterEach
  void showNarration() {
    System.out.println(narration);
  }

  @Test
  @Timeout(60)
  void runsOnTheEmbeddedTransport() {
    ExampleResult result = run(memory(), gateway -> {});

    assertOutcome(result);
  }

  @Test
  @Timeout(60)
  void runsAgainFromACleanSlate() {
    run(memory(), gateway -> {});
    narration.getBuffer().setLength(0);
    ExampleResult again = run(memory(), gateway -> {});

    assertOutcome(again);
  }

  @Test
  @Timeout(90)
  void runsOnRabbitMqWhereOnlyCoreInstancesConsume() {
    try (TestBroker broker = TestBroker.create()) {
      AtomicReference<String> consumers = new AtomicReference<>();
      AtomicReference<String> connections = new AtomicReference<>();
      ExampleResult result =
          run(
              broker.options().build(),
              gateway -> {
                consumers.set(
                    TestBroker.ctl(
                        "list_consumers", "-p", broker.vhost(), "queue_name", "consumer_tag"));
                connections.set(TestBroker.ctl("list_connections", "vhost", "client_properties"));
              });

      assertOutcome(result);
      List<String[]> rows =
          consumers
              .get()
              .lines()
              .filter(l -> !l.isBlank() && !l.startsWith("queue_name"))
              .map(l -> l.split("\t"))
              .toList();
      // 2 broadcast queues, 4 partitions x 2 instances, image updates x 2, task queue x 2
      assertThat(rows).hasSize(2 + 8 + 2 + 2);
      assertThat(rows)
          .allSatisfy(r -> assertThat(r[1]).matches("warren-core-[12]-[0-9a-f]{6}-[0-9]+"));
      assertThat(rows).noneSatisfy(r -> assertThat(r[1]).contains("admin"));
      assertThat(connections.get().lines().filter(l -> l.startsWith(broker.vhost() + "\t")))
          .anySatisfy(l -> assertThat(l).contains("{\"connection_name\",\"warren-admin-"));
      assertThat(narration.toString()).contains("Transport: rabbitmq amqp://guest:***@");
    }
  }

  private ExampleResult run(WarrenOptions options, java.util.function.Consumer<Gateway> check) {
    ExampleContext context =
        new ExampleContext(options, Map.of(), new PrintWriter(narration), Duration.ofSeconds(20));
    return new GatewayExample(
            gateway -> {
              running.set(gateway);
              check.accept(gateway);
            })
        .run(context);
  }

  private static WarrenOptions memory() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.MEMORY)
        // why: the example's instances must meet on one broker, shared by name
        .memoryBroker("examples-gateway")
        .build();
  }

  private void assertOutcome(ExampleResult result) {
    Gateway gateway = running.get();
    String out = narration.toString();

    // the admin API is publisher-only
    assertThat(gateway.admin().warren().subscriptions()).isEmpty();
    assertThat(result.figures()).containsEntry("admin subscriptions", 0L);

    // every change evicted on every core instance
    List<String> changed =
        List.of(
            "virtual-key vk-alpha",
            "virtual-key vk-gamma",
            "provider openai",
            "provider legacy-azure");
    assertThat(gateway.cores()).hasSize(2);
    for (CoreInstance core : gateway.cores()) {
      assertThat(core.evicted()).containsExactlyInAnyOrderElementsOf(changed);
      assertThat(core.cache())
          .containsExactly("provider anthropic", "virtual-key vk-beta")
          .doesNotContainAnyElementsOf(changed);
    }

    // exact spend per key, in order, the second instance took over after the handover
    Map<String, BigDecimal> expected = new TreeMap<>();
    for (int seq = 1; seq <= GatewayExample.SPENDS_PER_KEY; seq++) {
      for (int k = 0; k < GatewayExample.KEYS.size(); k++) {
        expected.merge(
            GatewayExample.KEYS.get(k),
            BigDecimal.valueOf((seq * 37L + k * 11L) % 97 + 1, 4),
            BigDecimal::add);
      }
    }
    assertThat(gateway.ledger().totals()).isEqualTo(expected);
    assertThat(gateway.ledger().outOfOrder()).isEmpty();
    assertThat(gateway.ledger().applied()).isEqualTo(60);
    assertThat(gateway.ledger().appliedBy().get("core-2")).isGreaterThanOrEqualTo(30L);
    assertThat(gateway.ledger().refused()).singleElement().asString().endsWith("vk-beta#4");
    String alpha = expected.get("vk-alpha").toPlainString();
    assertThat(result.facts()).contains("spend vk-alpha " + alpha + " = published " + alpha);

    // image tasks: progress seen, one completed after a retry, one failed
    List<Update> updates = gateway.images().updates();
    List<Update> completed =
        updates.stream().filter(u -> u.type().equals("image.completed")).toList();
    List<Update> failed = updates.stream().filter(u -> u.type().equals("image.failed")).toList();
    assertThat(completed).singleElement();
    assertThat(failed).singleElement();
    String good = completed.get(0).taskId();
    assertThat(completed.get(0).detail()).isEqualTo("https://cdn.example/images/" + good + ".png");
    assertThat(failed.get(0).detail()).contains("content policy");
    assertThat(gateway.images().updates(good, "task.image.generate.progress"))
        .extracting(u -> u.attempt() + ":" + u.progress())
        .containsExactlyInAnyOrder("1:0.25", "2:0.25", "2:0.5", "2:0.75", "2:1.0");
    assertThat(gateway.images().updates(good, "task.image.generate.retrying"))
        .singleElement()
        .satisfies(u -> assertThat(u.detail()).contains("did not answer"));
    assertThat(result.figures())
        .containsEntry("images completed", 1L)
        .containsEntry("images failed", 1L)
        .containsEntry("image task retries", 1L)
        .containsEntry("spend events", 60L)
        .containsEntry("evicted on core-1", 4L)
        .containsEntry("evicted on core-2", 4L);

    // the narration says who received what
    assertThat(out)
        .contains("[admin] published virtual-key.updated")
        .contains("core-1 drained mid-stream")
        .contains("-> SUCCESS after 2 attempt(s)")
        .contains("-> FAILURE after 1 attempt(s)")
        .contains("retried in place");
  }
}
