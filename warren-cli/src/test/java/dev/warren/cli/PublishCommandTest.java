package dev.warren.cli;

import static dev.warren.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishCommandTest {
  private static final String UUID_LINE =
      "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}";

  /** A source of this test's own, so events of other tests on the shared broker do not count. */
  private final String source = "/test/" + UUID.randomUUID();

  private Predicate<Event> mine() {
    return e -> source.equals(e.source());
  }

  @Test
  void printsTheIdOfTheConfirmedEvent() throws Exception {
    try (Recorder recorder = Recorder.recording("virtual-key.*")) {
      Cli.Result r =
          cli()
              .run(
                  "publish",
                  "virtual-key.updated",
                  "--data",
                  "{\"keyId\":42}",
                  "--source",
                  source,
                  "--subject",
                  "42",
                  "--correlation-id",
                  "c-1",
                  "--causation-id",
                  "e-0",
                  "--partition-key",
                  "42");

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.outLines()).singleElement().asString().matches(UUID_LINE);
      Event received = recorder.await(1, mine()).get(0);
      assertThat(received.id()).isEqualTo(r.outLines().get(0));
      assertThat(received.type()).isEqualTo("virtual-key.updated");
      assertThat(received.dataAsString()).isEqualTo("{\"keyId\":42}");
      assertThat(received.dataContentType()).isEqualTo(Event.JSON);
      assertThat(received.subject()).contains("42");
      assertThat(received.correlationId()).contains("c-1");
      assertThat(received.causationIds()).containsExactly("e-0");
      assertThat(received.partitionKey()).contains("42");
    }
  }

  @Test
  void countPublishesThatManyEventsEachWithItsOwnId() throws Exception {
    try (Recorder recorder = Recorder.recording("load.#")) {
      Cli.Result r =
          cli().run("publish", "load.test", "--data", "{}", "--count", "50", "--source", source);

      assertThat(r.exit()).as(r.err()).isZero();
      List<String> ids = r.outLines();
      assertThat(ids).hasSize(50).doesNotHaveDuplicates().allMatch(id -> id.matches(UUID_LINE));
      List<Event> received = recorder.await(50, mine());
      assertThat(received).extracting(Event::id).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(ids).isSorted(); // v7 ids, printed in publication order
    }
  }

  @Test
  void readsTheDataFromStandardInputOrAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data.json");
    Files.writeString(file, "{\n  \"from\": \"file\"\n}\n");
    try (Recorder recorder = Recorder.recording("input.*")) {
      Cli.Result fromStdin =
          cli()
              .stdin("{\"from\":\"stdin\"}")
              .run("publish", "input.stdin", "-", "--source", source);
      Cli.Result fromFile =
          cli().run("publish", "input.file", "--data-file", file.toString(), "--source", source);
      Cli.Result fromStdinFile =
          cli().stdin("[1,2]").run("publish", "input.dash", "--data-file", "-", "--source", source);

      assertThat(List.of(fromStdin.exit(), fromFile.exit(), fromStdinFile.exit())).containsOnly(0);
      List<Event> received = recorder.await(3, mine());
      assertThat(received)
          .extracting(Event::type, Event::dataAsString)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("input.stdin", "{\"from\":\"stdin\"}"),
              org.assertj.core.groups.Tuple.tuple("input.file", "{\n  \"from\": \"file\"\n}\n"),
              org.assertj.core.groups.Tuple.tuple("input.dash", "[1,2]"));
    }
  }

  @Test
  void withoutDataTheEventCarriesNone() throws Exception {
    try (Recorder recorder = Recorder.recording("bare.*")) {
      Cli.Result r = cli().run("publish", "bare.event", "--source", source);

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(recorder.await(1, mine()).get(0).data()).isEmpty();
    }
  }

  @Test
  void aBadTypeIsAUsageErrorAndPublishesNothing() throws Exception {
    assertRejected(
        "invalid event type 'virtual-key..updated'",
        "publish",
        "virtual-key..updated",
        "--data",
        "{}");
    assertRejected("'*' and '#' are wildcards", "publish", "virtual-key.*", "--data", "{}");
  }

  @Test
  void badJsonIsAUsageErrorAndPublishesNothing() throws Exception {
    assertRejected(
        "--data is not valid JSON: Unexpected end-of-input", "publish", "a.b", "--data", "{\"a\":");
    assertRejected("--data is not valid JSON", "publish", "a.b", "--data", "{} {}");
    assertRejected("--data is not valid JSON: it is empty", "publish", "a.b", "--data", " ");
  }

  @Test
  void aMissingDataFileIsAUsageErrorAndPublishesNothing(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.json");
    assertRejected(
        "data file '" + missing + "' does not exist",
        "publish",
        "a.b",
        "--data-file",
        missing.toString());
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    assertRejected(
        "give the data one way only", "publish", "a.b", "--data", "{}", "--data-file", "x.json");
    assertRejected("--count 0 is not between 1 and 1000000", "publish", "a.b", "--count", "0");
    assertRejected("Unknown option: '--colour'", "publish", "a.b", "--colour");
    assertRejected("Missing required parameter: '<type>'", "publish");
  }

  @Test
  void aBlankSourceIsAUsageError() {
    Cli.Result r = cli().run("publish", "a.b", "--source", " ");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly("warren: invalid event source: it is blank");
  }

  @Test
  void anInvalidEnvironmentIsAUsageError() {
    Cli.Result r = cli().env("WARREN_TRANSPORT", "carrier-pigeon").run("publish", "a.b");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines())
        .containsExactly(
            "warren: WARREN_TRANSPORT='carrier-pigeon' is not one of auto, memory, rabbitmq");
  }

  @Test
  void anUnreachableBrokerIsARuntimeFailureInOneLine() {
    Cli.Result r =
        cli()
            .env("WARREN_TRANSPORT", "rabbitmq")
            .env("WARREN_RABBITMQ_URL", "amqp://guest:secret@127.0.0.1:1/")
            .env("WARREN_CONNECT_TIMEOUT", "1s")
            .run("publish", "a.b", "--data", "{}");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .startsWith("warren: ")
        .doesNotContain("secret");
  }

  @Test
  void debugAddsTheStackTrace() {
    Cli.Result r = cli().run("publish", "a..b", "--debug");
    Cli.Result fromEnv = cli().env("WARREN_DEBUG", "1").run("publish", "a..b");

    for (Cli.Result each : List.of(r, fromEnv)) {
      assertThat(each.exit()).isEqualTo(2);
      assertThat(each.errLines().get(0)).startsWith("warren: invalid event type 'a..b'");
      assertThat(each.err()).contains("at dev.warren.Topics.requireValidType");
    }
  }

  private void assertRejected(String message, String... args) throws Exception {
    try (Recorder recorder = Recorder.recording("#")) {
      String[] withSource = java.util.Arrays.copyOf(args, args.length + 2);
      withSource[args.length] = "--source";
      withSource[args.length + 1] = source;
      Cli.Result r = cli().run(withSource);

      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.errLines()).singleElement().asString().startsWith("warren: ").contains(message);
      assertThat(r.err()).doesNotContain("\tat ");
      assertThat(recorder.settle(mine())).isEmpty();
    }
  }
}
