package dev.warren.cli.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.cli.worker.Endpoint.Answer;
import dev.warren.testkit.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code warren worker --forward} on a real RabbitMQ: an endpoint that fails about one event in
 * ten, the failures dead-lettered, replayed once it is fixed, and every event handled, in order per
 * partition key.
 */
class RabbitMqWorkerTest {
  private static final int EVENTS = 200;
  private static final int KEYS = 10;

  @Test
  void forwardWithPartitionsLosesNothingAndKeepsPerKeyOrder() throws Exception {
    try (TestBroker broker = TestBroker.create();
        Endpoint endpoint = new Endpoint()) {
      Map<String, String> env =
          Map.of("WARREN_TRANSPORT", "rabbitmq", "WARREN_RABBITMQ_URL", broker.uri());
      // the subject is the event's number; one in ten fails until the endpoint is fixed
      endpoint.answer(
          r ->
              Integer.parseInt(r.header("ce-subject")) % 10 == 7
                  ? new Answer(503, Map.of(), "try later")
                  : Answer.ok());
      try (Warren warren = Warren.create(broker.options().build());
          WorkerRun run =
              WorkerRun.start(
                  env,
                  "--subscription",
                  "ledger",
                  "--pattern",
                  "payment.*",
                  "--forward",
                  endpoint.url(),
                  "--partitions",
                  "4",
                  "--max-attempts",
                  "2",
                  "--backoff",
                  "50ms",
                  "--quiet")) {
        List<Event> sent = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
          sent.add(
              Event.builder("payment.applied")
                  .subject(Integer.toString(i))
                  .partitionKey("account-" + (i % KEYS))
                  .jsonData("{\"seq\":" + i + "}")
                  .build());
        }
        for (Event e : sent) {
          warren.publish(e).join();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> run.handled() == EVENTS - EVENTS / 10);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> warren.deadLetters("ledger").count() == 20);
        List<Endpoint.Request> firstPass = endpoint.succeeded();

        WorkerRun.Result list = WorkerRun.dlq(env, "list", "ledger", "--limit", "500");
        assertThat(list.outLines())
            .hasSize(EVENTS / 10)
            .allSatisfy(
                l -> assertThat(l).contains("2 attempts").contains("answered 503: try later"));

        endpoint.answer(r -> Answer.ok());
        WorkerRun.Result replay = WorkerRun.dlq(env, "replay", "ledger");
        assertThat(replay.out()).startsWith("replayed 20 dead letter(s)");
        await().atMost(Duration.ofSeconds(60)).until(() -> run.handled() == EVENTS);

        Set<String> handled =
            endpoint.succeeded().stream().map(r -> r.header("ce-id")).collect(Collectors.toSet());
        assertThat(handled)
            .containsExactlyInAnyOrderElementsOf(sent.stream().map(Event::id).toList());
        assertThat(warren.deadLetters("ledger").count()).isZero();
        // per key, the events handled before the replay came in publish order, and so did the
        // replayed ones among themselves
        assertInOrderPerKey(firstPass);
        assertInOrderPerKey(
            endpoint.succeeded().subList(firstPass.size(), endpoint.succeeded().size()));
        assertThat(run.stop()).isZero();
        assertThat(run.err()).contains(EVENTS + " handled, 40 failed attempt(s)");
      }
    }
  }

  private static void assertInOrderPerKey(List<Endpoint.Request> requests) {
    Map<String, List<Integer>> perKey = new LinkedHashMap<>();
    for (Endpoint.Request r : requests) {
      perKey
          .computeIfAbsent(r.header("ce-partitionkey"), k -> new ArrayList<>())
          .add(Integer.parseInt(r.header("ce-subject")));
    }
    assertThat(perKey).isNotEmpty();
    perKey.forEach((key, seqs) -> assertThat(seqs).as(key).isSorted());
  }
}
