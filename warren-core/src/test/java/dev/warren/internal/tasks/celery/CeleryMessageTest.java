package dev.warren.internal.tasks.celery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.warren.InvalidInputException;
import dev.warren.transport.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Celery's protocol 2 as Warren reads and writes it; end to end with Celery in warren-redis. */
class CeleryMessageTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void writesTimesAsPythonsIsoformatWithMicroseconds() {
    assertThat(CeleryMessage.iso(Instant.parse("2026-12-03T07:20:01.123456789Z")))
        .isEqualTo("2026-12-03T07:20:01.123456+00:00");
  }

  @Test
  void readsWhatItWrites() {
    CeleryMessage sent =
        CeleryMessage.create(
            "t-1",
            "py.add",
            JSON.arrayNode().add(1).add(2),
            JSON.objectNode().put("z", true),
            Instant.parse("2026-12-03T07:20:01Z"),
            "reply-q");
    CeleryMessage read = CeleryMessage.from(sent.toMessage());
    assertThat(read.id()).isEqualTo("t-1");
    assertThat(read.task()).isEqualTo("py.add");
    assertThat(read.argsJson()).isEqualTo("{\"args\":[1,2],\"kwargs\":{\"z\":true}}");
    assertThat(read.eta()).isEqualTo(Instant.parse("2026-12-03T07:20:01Z"));
    assertThat(read.replyTo()).isEqualTo("reply-q");
    assertThat(read.rootId()).isEqualTo("t-1");
  }

  @Test
  void readsCeleryTimesWithoutOffsetAsUtcAndNamesBadOnes() {
    assertThat(CeleryMessage.time("t", "eta", "2026-12-03T07:20:01.5"))
        .isEqualTo(Instant.parse("2026-12-03T07:20:01.5Z"));
    assertThatThrownBy(() -> CeleryMessage.time("t", "eta", "tomorrow"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("eta 'tomorrow'");
  }

  @Test
  void refusesPickleAndBodiesThatAreNotProtocolTwo() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("task", "x");
    headers.put("id", "t-2");
    Message pickle =
        new Message(
            "t-2",
            null,
            "application/x-python-serialize",
            null,
            null,
            null,
            null,
            null,
            true,
            headers,
            new byte[] {1},
            null,
            "binary",
            null);
    assertThat(CeleryMessage.isCelery(pickle)).isTrue();
    assertThatThrownBy(() -> CeleryMessage.from(pickle)).hasMessageContaining("JSON serializer");
    Message v1 =
        new Message(
            "t-2",
            null,
            "application/json",
            null,
            null,
            null,
            null,
            null,
            true,
            headers,
            "{\"task\":\"x\"}".getBytes(StandardCharsets.UTF_8),
            null,
            "utf-8",
            null);
    assertThatThrownBy(() -> CeleryMessage.from(v1)).hasMessageContaining("[args, kwargs, embed]");
    assertThat(CeleryMessage.isCelery(Message.of(new byte[0], Map.of("a", List.of())))).isFalse();
  }
}
