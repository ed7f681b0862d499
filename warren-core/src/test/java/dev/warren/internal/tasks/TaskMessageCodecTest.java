package dev.warren.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.InvalidInputException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.envelope.InstantText;
import dev.warren.tasks.TaskOptions;
import dev.warren.transport.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written task message codec against the object mapper it replaced, and its instants. */
class TaskMessageCodecTest {

  @Test
  void instantsReadAndWriteAsTheJdkDoes() {
    SplittableRandom random = new SplittableRandom(42);
    long from = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(random.nextLong(from, to), nano);
      String text = InstantText.format(t);
      assertThat(text).isEqualTo(t.toString());
      assertThat(InstantText.parseAny(text)).isEqualTo(t);
    }
    // forms the fast path leaves to the JDK, read all the same
    assertThat(InstantText.parseAny("2026-12-03T10:15:30.5Z"))
        .isEqualTo(Instant.parse("2026-12-03T10:15:30.500Z"));
    assertThat(InstantText.parseAny("2026-12-03T12:15:30+02:00"))
        .isEqualTo(Instant.parse("2026-12-03T10:15:30Z"));
    assertThat(InstantText.format(Instant.EPOCH.minusSeconds(1)))
        .isEqualTo(Instant.EPOCH.minusSeconds(1).toString());
    assertThat(InstantText.format(Instant.MAX)).isEqualTo(Instant.MAX.toString());
  }

  @Test
  void oddInstantsAreReadOrRefusedAsTheJdkDoes() {
    for (String odd :
        new String[] {
          "2026-02-30T10:15:30Z",
          "2026-02-29T10:15:30Z",
          "2026-12-03T24:15:30Z",
          "2026-12-03T24:00:00Z",
          "2026-12-03T10:60:30Z",
          "2026-12-03T23:59:60Z",
          "2026-12-03T10:15:30.Z",
          "2026-12-03T10:15:30.1234567890Z",
          "2026-1x-03T10:15:30Z",
          "yesterday"
        }) {
      Instant expected;
      try {
        expected = Instant.parse(odd);
      } catch (DateTimeParseException e) {
        assertThatThrownBy(() -> InstantText.parseAny(odd))
            .as(odd)
            .isInstanceOf(DateTimeParseException.class);
        continue;
      }
      assertThat(InstantText.parseAny(odd)).as(odd).isEqualTo(expected);
    }
  }

  @Test
  void theBodyIsWhatTheObjectMapperWrote() throws Exception {
    Instant now = Instant.parse("2026-12-03T10:15:30.123456Z");
    for (TaskOptions o :
        new TaskOptions[] {
          TaskOptions.defaults(),
          TaskOptions.builder()
              .queue("warren.tasks.priority")
              .priority(7)
              .limitKey("customer-\"9\"")
              .softTimeLimit(Duration.ofSeconds(3))
              .timeLimit(Duration.ofSeconds(5))
              .maxRetries(4)
              .retryBackoff(1.5)
              .build()
        }) {
      TaskMessage m =
          TaskMessage.of(
              "id-1", "report.build", "{\"a\":[1,\"é\"]}", o, now, now.plusSeconds(90), "w-1");
      byte[] body = m.toMessage().body();
      assertThat(new String(body, StandardCharsets.UTF_8))
          .isEqualTo(JsonDataCodec.MAPPER.writeValueAsString(m));
      assertThat(TaskMessage.from(m.toMessage())).isEqualTo(m);
      assertThat(JsonDataCodec.MAPPER.readValue(body, TaskMessage.class)).isEqualTo(m);
    }
  }

  @Test
  void readsAsLenientlyAsBeforeAndNamesWhatIsWrong() {
    String lenient =
        "{\"extra\":{\"x\":[1,2]},\"id\":\"t\",\"name\":\"n\",\"queue\":\"q\",\"args\":null,"
            + "\"eta\":\"2026-12-03T10:15:30Z\",\"submittedAt\":\"2026-12-03T10:15:30Z\","
            + "\"retries\":\"2\",\"resultTtlMs\":60000,\"retryBackoff\":2}";
    TaskMessage m = TaskMessage.from(message(lenient));
    assertThat(m.retries()).isEqualTo(2);
    assertThat(m.retryBackoff()).isEqualTo(2.0);
    assertThat(m.args()).isNull();

    assertThatThrownBy(() -> TaskMessage.from(message("[1,2]")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a Warren task");
    assertThatThrownBy(() -> TaskMessage.from(message("{\"id\":\"t\",\"name\":\"n\"}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no 'queue'");
    assertThatThrownBy(
            () -> TaskMessage.from(message(lenient.replace("\"2026-12-03T10:15:30Z\"", "\"x\""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'eta' is not an ISO-8601 time: 'x'");
    assertThatThrownBy(() -> TaskMessage.from(message(lenient.replace("\"2\"", "{}"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'retries' is not a whole number");
    assertThatThrownBy(() -> TaskMessage.from(message("{\"id\":")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a Warren task");
  }

  private static Message message(String body) {
    return new Message(
        "m-1",
        TaskMessage.TYPE,
        "application/json",
        null,
        null,
        "test",
        Instant.now(),
        null,
        true,
        Map.of(),
        body.getBytes(StandardCharsets.UTF_8),
        null,
        null,
        null);
  }
}
