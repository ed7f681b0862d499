package dev.warren.cli.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.DeadLetter;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.cli.WarrenCli;
import dev.warren.cli.worker.Endpoint.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code warren worker} on the in-memory transport. Every instance made from the environment shares
 * the JVM-wide in-memory broker, so the test publishes with one instance and the worker consumes
 * with its own.
 */
class WorkerCommandTest {
  private static final Map<String, String> ENV =
      Map.of("WARREN_TRANSPORT", "memory", "WARREN_MEMORY_BROKER", "warren-cli-worker-tests");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final String name = "w" + UUID.randomUUID().toString().substring(0, 8);
  private final Warren warren = Warren.create(WarrenOptions.fromEnvironment(ENV));
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    warren.close();
  }

  private WorkerRun worker(String... args) throws InterruptedException {
    WorkerRun run = WorkerRun.start(ENV, args);
    closing.add(run);
    return run;
  }

  private List<Event> publish(int n) {
    List<Event> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Event e =
          Event.builder(name + ".requested")
              .subject(Integer.toString(i))
              .jsonData("{\"n\":" + i + "}")
              .build();
      sent.add(warren.publish(e).join());
    }
    return sent;
  }

  /** Records events of a type with a broadcast subscription of its own. */
  private List<Event> record(String pattern) {
    List<Event> seen = new CopyOnWriteArrayList<>();
    SubscriptionHandle h =
        warren.subscribe(
            Subscription.named(name + "-recorder").pattern(pattern).broadcast(), seen::add);
    closing.add(h);
    return seen;
  }

  @Test
  void execHandlesEveryEventAndPrintsOnlyToStandardError() throws Exception {
    WorkerRun run =
        worker("--subscription", name, "--pattern", name + ".*", "--exec", "cat > /dev/null");
    List<Event> sent = publish(5);

    await().atMost(WAIT).until(() -> run.handled() == 5);

    assertThat(run.stop()).isZero();
    assertThat(run.err()).contains("ok " + sent.get(0).id()).contains("5 handled, 0 failed");
    assertThat(warren.deadLetters(name).count()).isZero();
  }

  @Test
  void execGetsTheEventAsStructuredJsonOnStandardInput() throws Exception {
    // why: a failing command's standard error ends up in the dead letter, so echo the input there
    worker(
        "--subscription",
        name,
        "--pattern",
        name + ".*",
        "--exec",
        "cat >&2; exit 1",
        "--max-attempts",
        "1");
    Event sent = publish(1).get(0);

    await().atMost(WAIT).until(() -> warren.deadLetters(name).count() == 1);

    DeadLetter dead = warren.deadLetters(name).peek(1).get(0);
    assertThat(dead.errorMessage())
        .contains("exited with code 1")
        .contains("\"id\":\"" + sent.id() + "\"")
        .contains("\"specversion\":\"1.0\"")
        .contains("\"subject\":\"0\"")
        .contains("\"data\":{\"n\":0}");
  }

  @Test
  void execFailureIsRetriedThenDeadLetteredWithExitCodeAndStandardError() throws Exception {
    WorkerRun run =
        worker(
            "--subscription",
            name,
            "--pattern",
            name + ".*",
            "--exec",
            "cat > /dev/null; echo 'disk full' >&2; exit 3",
            "--max-attempts",
            "3",
            "--backoff",
            "100ms");
    List<Event> sent = publish(2);

    await().atMost(WAIT).until(() -> warren.deadLetters(name).count() == 2);

    List<DeadLetter> dead = warren.deadLetters(name).peek(10);
    assertThat(dead).extracting(DeadLetter::id).containsExactlyInAnyOrderElementsOf(ids(sent));
    assertThat(dead).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(3));
    assertThat(dead.get(0).errorType()).endsWith("TargetFailedException");
    assertThat(dead.get(0).errorMessage()).contains("exited with code 3").endsWith("disk full");
    assertThat(run.stop()).isZero();
    assertThat(run.err()).contains("0 handled, 6 failed attempt(s)");
  }

  @Test
  void execOutputThatIsACloudEventIsPublishedAsAReplyCausedByTheEvent() throws Exception {
    List<Event> replies = record(name + ".done");
    String reply =
        "{\"specversion\":\"1.0\",\"type\":\"" + name + ".done\",\"data\":{\"price\":1.10}}";
    worker(
        "--subscription",
        name,
        "--pattern",
        name + ".requested",
        "--exec",
        "cat > /dev/null; echo 'log line, not an event'; echo '" + reply + "'");
    Event sent = publish(1).get(0);

    await().atMost(WAIT).until(() -> replies.size() == 1);

    Event r = replies.get(0);
    assertThat(r.causationIds()).containsExactly(sent.id());
    assertThat(r.correlationId()).contains(sent.id());
    assertThat(r.dataAsString()).isEqualTo("{\"price\":1.10}");
    assertThat(r.id()).isNotEqualTo(sent.id());
    assertThat(r.source()).isNotBlank();
  }

  @Test
  void forwardPostsBinaryModeAndFailuresEndInTheDeadLetterQueueUntilReplayed() throws Exception {
    Endpoint endpoint = new Endpoint();
    closing.add(endpoint);
    // subjects are the event numbers; the odd ones fail until the endpoint is fixed
    endpoint.answer(
        r ->
            Integer.parseInt(r.header("ce-subject")) % 2 == 1
                ? new Answer(500, Map.of(), "{\"error\":\"odd numbers are broken\"}")
                : Answer.ok());
    WorkerRun run =
        worker(
            "--subscription",
            name,
            "--pattern",
            name + ".*",
            "--forward",
            endpoint.url(),
            "--workers",
            "4",
            "--max-attempts",
            "2",
            "--backoff",
            "100ms");
    List<Event> sent = publish(20);

    awaitOrExplain(run, endpoint, () -> warren.deadLetters(name).count() == 10);

    Endpoint.Request first =
        endpoint.requests().stream()
            .filter(r -> r.header("ce-id").equals(sent.get(0).id()))
            .findFirst()
            .orElseThrow();
    assertThat(first.header("ce-specversion")).isEqualTo("1.0");
    assertThat(first.header("ce-type")).isEqualTo(name + ".requested");
    assertThat(first.header("ce-source")).isEqualTo(sent.get(0).source());
    assertThat(first.header("ce-subject")).isEqualTo("0");
    assertThat(first.header("ce-time")).isEqualTo(sent.get(0).time().toString());
    assertThat(first.header("Content-Type")).isEqualTo("application/json");
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":0}");

    WorkerRun.Result list = WorkerRun.dlq(ENV, "list", name);
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.outLines())
        .hasSize(10)
        .allSatisfy(
            line ->
                assertThat(line)
                    .contains(name + ".requested 2 attempts")
                    .contains("TargetFailedException: POST " + endpoint.url() + " answered 500")
                    .contains("odd numbers are broken"));

    endpoint.answer(r -> Answer.ok());
    WorkerRun.Result replay = WorkerRun.dlq(ENV, "replay", name);
    assertThat(replay.out()).isEqualTo("replayed 10 dead letter(s) to " + name + "\n");

    awaitOrExplain(run, endpoint, () -> run.handled() == 20);
    assertThat(warren.deadLetters(name).count()).isZero();
    Set<String> handledIds =
        endpoint.succeeded().stream().map(r -> r.header("ce-id")).collect(Collectors.toSet());
    assertThat(handledIds).containsExactlyInAnyOrderElementsOf(ids(sent));
    assertThat(run.stop()).isZero();
    assertThat(run.err()).contains("20 handled, 20 failed attempt(s)");
  }

  @Test
  void forwardResponseThatIsABinaryCloudEventIsPublishedAsAReply() throws Exception {
    List<Event> replies = record(name + ".priced");
    Endpoint endpoint = new Endpoint();
    closing.add(endpoint);
    endpoint.answer(
        r ->
            new Answer(
                200,
                Map.of(
                    "ce-specversion", "1.0",
                    "ce-type", name + ".priced",
                    "ce-id", "reply-" + r.header("ce-id"),
                    "ce-subject", "caf%C3%A9 au lait",
                    "ce-region", "eu",
                    "Content-Type", "application/json"),
                "{\"price\":3}"));
    worker("--subscription", name, "--pattern", name + ".requested", "--forward", endpoint.url());
    Event sent = publish(1).get(0);

    await().atMost(WAIT).until(() -> replies.size() == 1);

    Event r = replies.get(0);
    assertThat(r.id()).isEqualTo("reply-" + sent.id());
    assertThat(r.causationIds()).containsExactly(sent.id());
    assertThat(r.correlationId()).contains(sent.id());
    assertThat(r.subject()).contains("café au lait");
    assertThat(r.extension("region")).contains("eu");
    assertThat(r.dataAsString()).isEqualTo("{\"price\":3}");
  }

  @Test
  void forwardResponseInStructuredModeIsPublishedAsAReply() throws Exception {
    List<Event> replies = record(name + ".priced");
    Endpoint endpoint = new Endpoint();
    closing.add(endpoint);
    endpoint.answer(
        r ->
            new Answer(
                201,
                Map.of("Content-Type", "application/cloudevents+json; charset=utf-8"),
                "{\"specversion\":\"1.0\",\"type\":\"" + name + ".priced\",\"data\":[1,2]}"));
    worker("--subscription", name, "--pattern", name + ".requested", "--forward", endpoint.url());
    Event sent = publish(1).get(0);

    await().atMost(WAIT).until(() -> replies.size() == 1);

    assertThat(replies.get(0).causationIds()).containsExactly(sent.id());
    assertThat(replies.get(0).dataAsString()).isEqualTo("[1,2]");
  }

  @Test
  void forwardTimeoutIsAFailure() throws Exception {
    Endpoint endpoint = new Endpoint();
    closing.add(endpoint);
    endpoint.answer(
        r -> {
          try {
            Thread.sleep(2_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Answer.ok();
        });
    worker(
        "--subscription",
        name,
        "--pattern",
        name + ".*",
        "--forward",
        endpoint.url(),
        "--timeout",
        "200ms",
        "--max-attempts",
        "1");
    publish(1);

    await().atMost(WAIT).until(() -> warren.deadLetters(name).count() == 1);

    assertThat(warren.deadLetters(name).peek(1).get(0).errorMessage())
        .isEqualTo("POST " + endpoint.url() + " timed out after 200 ms");
  }

  @Test
  void badInputIsOneLineWithExitCode2() {
    WorkerRun.Result neither = WorkerRun.worker(ENV, "--subscription", name, "--pattern", "a.b");
    assertThat(neither.exit()).isEqualTo(WarrenCli.EXIT_USAGE);
    assertThat(neither.err())
        .startsWith("warren: give exactly one of --forward URL or --exec CMD")
        .hasLineCount(1);

    assertThat(
            WorkerRun.worker(
                    ENV,
                    "--subscription",
                    name,
                    "--pattern",
                    "a",
                    "--exec",
                    "true",
                    "--forward",
                    "http://x/")
                .exit())
        .isEqualTo(WarrenCli.EXIT_USAGE);
    WorkerRun.Result backoff =
        WorkerRun.worker(
            ENV, "--subscription", name, "--pattern", "a", "--exec", "true", "--backoff", "1x");
    assertThat(backoff.exit()).isEqualTo(WarrenCli.EXIT_USAGE);
    assertThat(backoff.err()).contains("--backoff '1x' is not a duration");
    WorkerRun.Result url =
        WorkerRun.worker(ENV, "--subscription", name, "--pattern", "a", "--forward", "ftp://x/");
    assertThat(url.err()).contains("is not an http:// or https:// URL");
    WorkerRun.Result subscription =
        WorkerRun.worker(ENV, "--subscription", "bad name", "--pattern", "a", "--exec", "true");
    assertThat(subscription.exit()).isEqualTo(WarrenCli.EXIT_USAGE);
    assertThat(subscription.err()).startsWith("warren: invalid subscription name").hasLineCount(1);
  }

  @Test
  void maxAttemptsAndBackoffMakeTheRetryPolicy() {
    WorkerCommand command = new WorkerCommand();
    new CommandLine(command);
    Duration s1 = Duration.ofSeconds(1);
    Duration s5 = Duration.ofSeconds(5);

    RetryPolicy four = command.retryPolicy(4, List.of(s1, s5));
    assertThat(four.maxAttempts()).isEqualTo(4);
    assertThat(four.immediateRetries()).isZero();
    assertThat(four.delays()).containsExactly(s1, s5, s5);

    assertThat(command.retryPolicy(2, List.of(s1, s5)).delays()).containsExactly(s1);
    assertThat(command.retryPolicy(1, null).maxAttempts()).isEqualTo(1);
    assertThat(command.retryPolicy(null, List.of(s1, s5)).maxAttempts()).isEqualTo(3);
    assertThat(command.retryPolicy(null, null)).isEqualTo(RetryPolicy.defaults());
  }

  /** Waits; on time-out fails with what the worker printed and what the endpoint answered. */
  private static void awaitOrExplain(WorkerRun run, Endpoint endpoint, Callable<Boolean> done) {
    try {
      await().atMost(WAIT).until(done);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "worker said:\n"
              + run.err()
              + "\nendpoint answered (subject:status): "
              + endpoint.requests().stream()
                  .map(r -> r.header("ce-subject") + ":" + r.status())
                  .toList(),
          e);
    }
  }

  private static List<String> ids(List<Event> events) {
    return events.stream().map(Event::id).toList();
  }
}
