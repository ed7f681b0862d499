package dev.warren.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.cli.WarrenCli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code warren dlq} on the in-memory transport, with dead letters made by a failing handler. */
class DlqCommandTest {
  private static final Map<String, String> ENV =
      Map.of("WARREN_TRANSPORT", "memory", "WARREN_MEMORY_BROKER", "warren-cli-dlq-tests");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name = "d" + UUID.randomUUID().toString().substring(0, 8);
  private final Warren warren = Warren.create(WarrenOptions.fromEnvironment(ENV));
  private final List<Event> sent = new ArrayList<>();
  private SubscriptionHandle failing;

  private record Result(int exit, String out, String err) {}

  private static Result dlq(String... args) {
    return dlq(ENV, new DlqCommand(), args);
  }

  /** Runs the command as {@code warren dlq …}, under WarrenCli's error handling. */
  private static Result dlq(Map<String, String> env, DlqCommand command, String... args) {
    CommandLine cli = new WarrenCli(env, new ByteArrayInputStream(new byte[0])).commandLine();
    // why: a fresh command object per run; WarrenCli registers its own "dlq" already
    cli.getCommandSpec().removeSubcommand("dlq");
    cli.addSubcommand(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("dlq"));
    all.addAll(List.of(args));
    return new Result(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }

  @BeforeEach
  void deadLetterThreeEvents() {
    failing =
        warren.subscribe(
            Subscription.named(name).pattern(name + ".*").retry(RetryPolicy.none()),
            e -> {
              throw new IllegalStateException("no stock for\n" + e.subject().orElse("?"));
            });
    for (int i = 0; i < 3; i++) {
      sent.add(
          warren
              .publish(
                  Event.builder(name + ".ordered")
                      .subject("item-" + i)
                      .jsonData("{\"i\":" + i + "}")
                      .build())
              .join());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> warren.deadLetters(name).count() == 3);
    failing.close();
  }

  @AfterEach
  void close() {
    warren.close();
  }

  @Test
  void listShowsOneLinePerDeadLetterOldestFirst() {
    Result r = dlq("list", name);

    assertThat(r.exit()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly(
            sent.get(0).id()
                + " "
                + name
                + ".ordered 1 attempt java.lang.IllegalStateException: no stock for item-0",
            sent.get(1).id()
                + " "
                + name
                + ".ordered 1 attempt java.lang.IllegalStateException: no stock for item-1",
            sent.get(2).id()
                + " "
                + name
                + ".ordered 1 attempt java.lang.IllegalStateException: no stock for item-2");
    Result limited = dlq("list", name, "--limit", "1");
    assertThat(limited.out().lines()).hasSize(1);
    assertThat(limited.err()).contains("Showing 1 of 3 dead letters");
    assertThat(warren.deadLetters(name).count()).isEqualTo(3);
  }

  @Test
  void listJsonHasEveryFieldAndTheEventAsStructuredCloudEvent() throws Exception {
    Result r = dlq("list", name, "--json");

    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(3);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("id").asText()).isEqualTo(sent.get(0).id());
    assertThat(first.get("subscription").asText()).isEqualTo(name);
    assertThat(first.get("routingKey").asText()).isEqualTo(name + ".ordered");
    assertThat(first.get("attempts").asLong()).isEqualTo(1);
    assertThat(first.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(first.get("errorMessage").asText()).isEqualTo("no stock for\nitem-0");
    assertThat(first.get("stackTrace").asText()).contains("IllegalStateException");
    assertThat(first.get("firstFailure").asText()).isNotBlank();
    assertThat(first.get("lastFailure").asText()).isNotBlank();
    assertThat(first.get("replays").asLong()).isZero();
    JsonNode event = first.get("event");
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("id").asText()).isEqualTo(sent.get(0).id());
    assertThat(event.get("subject").asText()).isEqualTo("item-0");
    assertThat(event.get("data").get("i").asInt()).isZero();
  }

  @Test
  void replayOfSomeIdsPrintsHowManyAndLeavesTheOthers() {
    Result r = dlq("replay", name, "--id", sent.get(1).id());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("replayed 1 dead letter(s) to " + name + "\n");
    assertThat(warren.deadLetters(name).peek(10))
        .extracting(d -> d.id())
        .containsExactly(sent.get(0).id(), sent.get(2).id());

    Result missing = dlq("replay", name, "--id", "no-such-id");
    assertThat(missing.exit()).isEqualTo(WarrenCli.EXIT_FAILURE);
    assertThat(missing.out()).startsWith("replayed 0");
    assertThat(missing.err()).isEqualTo("warren: 1 of 1 id(s) were not in " + name + ".dlq\n");
  }

  @Test
  void replayAllThenPurge() {
    assertThat(dlq("replay", name).out()).isEqualTo("replayed 3 dead letter(s) to " + name + "\n");
    assertThat(warren.deadLetters(name).count()).isZero();

    // the replayed events wait in the subscription's queue; fail them again, then purge
    SubscriptionHandle again =
        warren.subscribe(
            Subscription.named(name).pattern(name + ".*").retry(RetryPolicy.none()),
            e -> {
              throw new IllegalStateException("still no stock");
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> warren.deadLetters(name).count() == 3);
    again.close();
    assertThat(warren.deadLetters(name).peek(1).get(0).replays()).isEqualTo(1);

    Result purge = dlq("purge", name);
    assertThat(purge.exit()).isZero();
    assertThat(purge.out()).isEqualTo("purged 3 dead letter(s) of " + name + "\n");
    assertThat(warren.deadLetters(name).count()).isZero();
  }

  @Test
  void unknownSubscriptionIsOneLineWithExitCode2() {
    for (String command : List.of("list", "replay", "purge")) {
      Result r = dlq(command, "no-such-subscription");

      assertThat(r.exit()).as(command).isEqualTo(WarrenCli.EXIT_USAGE);
      assertThat(r.out()).isEmpty();
      assertThat(r.err())
          .isEqualTo(
              "warren: subscription 'no-such-subscription' has no dead-letter queue"
                  + " 'no-such-subscription.dlq'\n");
    }
    assertThat(dlq("list", name, "--limit", "0").exit()).isEqualTo(WarrenCli.EXIT_USAGE);
    assertThat(dlq().exit()).isEqualTo(WarrenCli.EXIT_USAGE);
  }

  @Test
  void registeredUnderWarrenItUsesTheEnvironmentWarrenWasGiven() {
    // why: registered with subcommands = {DlqCommand.class}, picocli makes it with the no-argument
    // constructor; the parent's (injected) environment must still be the one used
    Result r = dlq(Map.of("WARREN_TRANSPORT", "carrier-pigeon"), new DlqCommand(), "list", name);

    assertThat(r.exit()).isEqualTo(WarrenCli.EXIT_USAGE);
    assertThat(r.err()).startsWith("warren: WARREN_TRANSPORT='carrier-pigeon'").hasLineCount(1);
  }
}
