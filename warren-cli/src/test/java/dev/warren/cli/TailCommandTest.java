package dev.warren.cli;

import static dev.warren.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.codec.CloudEventsJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TailCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void printsEventsFromAnotherInstanceAsStructuredJson() throws Exception {
    String type = "invoice-" + UUID.randomUUID().toString().substring(0, 8);
    Cli tail = cli();
    CompletableFuture<Cli.Result> run = start(tail, "tail", type + ".*", "--count", "3");

    List<Event> sent;
    try (Warren publisher = Warren.create(WarrenOptions.fromEnvironment(Cli.MEMORY))) {
      sent =
          List.of(
              publisher
                  .publish(
                      Event.builder(type + ".issued")
                          .jsonData("{\"amount\":12.50,\"lines\":[1,2]}")
                          .subject("inv-1")
                          .partitionKey("customer-7")
                          .correlationId("order-9")
                          .build())
                  .join(),
              publisher
                  .publish(
                      Event.builder(type + ".pdf")
                          .data("%PDF-1.7".getBytes(StandardCharsets.UTF_8), "application/pdf")
                          .build())
                  .join(),
              publisher.publish(Event.builder(type + ".voided").build()).join());
      publisher.publish(Event.builder(type + ".late").jsonData("{}").build()).join();
    }
    Cli.Result r = run.get(10, TimeUnit.SECONDS);

    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.outLines();
    assertThat(lines).hasSize(3);

    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("specversion").asText()).isEqualTo("1.0");
    assertThat(first.get("id").asText()).isEqualTo(sent.get(0).id());
    assertThat(first.get("type").asText()).isEqualTo(type + ".issued");
    assertThat(first.get("source").asText()).isEqualTo(sent.get(0).source());
    assertThat(first.get("time").asText()).isEqualTo(sent.get(0).time().toString());
    assertThat(first.get("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(first.get("subject").asText()).isEqualTo("inv-1");
    assertThat(first.get("partitionkey").asText()).isEqualTo("customer-7");
    assertThat(first.get("correlationid").asText()).isEqualTo("order-9");
    assertThat(lines.get(0)).endsWith(",\"data\":{\"amount\":12.50,\"lines\":[1,2]}}");
    assertThat(first.has("data_base64")).isFalse();

    JsonNode pdf = JSON.readTree(lines.get(1));
    assertThat(pdf.get("datacontenttype").asText()).isEqualTo("application/pdf");
    assertThat(pdf.get("data_base64").asText()).isEqualTo("JVBERi0xLjc=");
    assertThat(pdf.has("data")).isFalse();

    JsonNode bare = JSON.readTree(lines.get(2));
    assertThat(bare.has("data")).isFalse();
    assertThat(bare.has("data_base64")).isFalse();

    // every line reads back as the event that was sent
    for (int i = 0; i < 3; i++) {
      assertThat(CloudEventsJson.read(lines.get(i))).isEqualTo(sent.get(i));
    }
  }

  @Test
  void aNamedTailCompetesAndLeavesWhatItDidNotPrintToTheOthers() throws Exception {
    String name = "tail-work-" + UUID.randomUUID().toString().substring(0, 8);
    String type = name + ".job";
    Cli tail = cli();
    CompletableFuture<Cli.Result> run =
        start(tail, "tail", type, "--subscription", name, "--count", "1");

    List<String> sent = new CopyOnWriteArrayList<>();
    try (Warren publisher = Warren.create(WarrenOptions.fromEnvironment(Cli.MEMORY))) {
      for (int i = 0; i < 5; i++) {
        sent.add(
            publisher
                .publish(Event.builder(type).jsonData("{\"n\":" + i + "}").build())
                .join()
                .id());
      }
      Cli.Result r = run.get(10, TimeUnit.SECONDS);
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.outLines()).hasSize(1);
      String printed = JSON.readTree(r.outLines().get(0)).get("id").asText();

      // a worker joining the subscription afterwards gets every event the tail did not print
      List<String> worked = new CopyOnWriteArrayList<>();
      try (SubscriptionHandle worker =
          publisher.subscribe(Subscription.named(name).pattern(type), e -> worked.add(e.id()))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (worked.size() < 4 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(worker.isActive()).isTrue();
      }
      assertThat(worked)
          .containsExactlyInAnyOrderElementsOf(
              sent.stream().filter(id -> !id.equals(printed)).toList());
      assertThat(publisher.deadLetters(name).count()).isZero();
    }
  }

  @Test
  void anInterruptClosesItCleanly() throws Exception {
    Cli tail = cli();
    AtomicReference<Thread> thread = new AtomicReference<>();
    CompletableFuture<Cli.Result> run = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                run.complete(tail.run("tail", "#"));
              } catch (Throwable e) {
                run.completeExceptionally(e);
              }
            });
    thread.set(t);
    t.start();
    awaitTailing(tail);

    t.interrupt();
    Cli.Result r = run.get(10, TimeUnit.SECONDS);

    assertThat(r.exit()).isEqualTo(WarrenCli.EXIT_INTERRUPTED);
    assertThat(r.err()).doesNotContain("warren:");
  }

  @Test
  void aBadPatternIsAUsageError() {
    Cli.Result r = cli().run("tail", "order.*x");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .startsWith("warren: invalid pattern 'order.*x': wildcard inside the word '*x'");
  }

  /** Starts a command on a thread and returns once it subscribed. */
  private static CompletableFuture<Cli.Result> start(Cli cli, String... args) throws Exception {
    CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run(args));
    awaitTailing(cli);
    return run;
  }

  private static void awaitTailing(Cli cli) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!cli.err().contains("Tailing ")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("tail did not start: " + cli.err());
      }
      Thread.sleep(5);
    }
  }
}
