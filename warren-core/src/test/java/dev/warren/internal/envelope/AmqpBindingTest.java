package dev.warren.internal.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.transport.Message;
import dev.warren.transport.WarrenHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Reading messages Warren did not write: nothing corrected, nothing invented per delivery. */
class AmqpBindingTest {
  private static Message plain(String body, Map<String, Object> headers) {
    return new Message(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        true,
        headers,
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> cloudEvent() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("cloudEvents_specversion", "1.0");
    h.put("cloudEvents_id", "e1");
    h.put("cloudEvents_source", "/s");
    h.put("cloudEvents_type", "a.b");
    return h;
  }

  @Test
  void aMessageWithoutAnIdGetsTheSameIdEachTimeItIsRead() {
    Message m = plain("{\"a\":1}", Map.of("tenant", "x"));
    String id = AmqpBinding.toEvent(m, "orders.created", null).id();
    assertThat(AmqpBinding.toEvent(m, "orders.created", null).id()).isEqualTo(id);
    assertThat(AmqpBinding.idOf(m)).isEqualTo(id);
    assertThat(UUID.fromString(id).version()).isEqualTo(8);
  }

  @Test
  void theDerivedIdIgnoresWhatRetriesAndTheBrokerAddButNotWhatThePublisherSent() {
    Message m = plain("{\"a\":1}", Map.of("tenant", "x", "n", 5));
    String id = AmqpBinding.derivedId(m);
    Map<String, Object> retried = new LinkedHashMap<>(m.headers());
    retried.put(WarrenHeaders.ATTEMPTS, 2L);
    retried.put(WarrenHeaders.ROUTING_KEY, "orders.created");
    retried.put("x-death", List.of(Map.of("queue", "q", "count", 1L)));
    retried.put("n", 5L); // an AMQP int read back as a long
    assertThat(AmqpBinding.derivedId(m.withHeaders(retried).withExpiration(100L))).isEqualTo(id);

    assertThat(AmqpBinding.derivedId(plain("{\"a\":2}", m.headers()))).isNotEqualTo(id);
    assertThat(AmqpBinding.derivedId(plain("{\"a\":1}", Map.of("tenant", "y", "n", 5))))
        .isNotEqualTo(id);
    Message typed =
        new Message(null, "t", null, null, null, null, null, true, m.headers(), m.body());
    assertThat(AmqpBinding.derivedId(typed)).isNotEqualTo(id);
  }

  @Test
  void aBlankMessageIdIsNoId() {
    Message m = new Message(" ", null, null, null, null, null, null, true, Map.of(), new byte[0]);
    assertThat(AmqpBinding.idOf(m)).isEqualTo(AmqpBinding.derivedId(m));
  }

  @Test
  void aRetryKeepsTheTypeOfTheRoutingKeyItWasFirstPublishedWith() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put(WarrenHeaders.ROUTING_KEY, "orders.created");
    Event retried = AmqpBinding.toEvent(plain("{}", h), "my-subscription", null);
    assertThat(retried.type()).isEqualTo("orders.created");
    assertThat(AmqpBinding.toEvent(plain("{}", Map.of()), "orders.created", null).type())
        .isEqualTo("orders.created");
  }

  @Test
  void anUnknownSpecVersionIsRefusedNotReadAsOneDotZero() {
    Map<String, Object> h = cloudEvent();
    h.put("cloudEvents_specversion", "9.9");
    assertThatThrownBy(() -> AmqpBinding.toEvent(plain("{}", h), "a.b", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'9.9'");
    Map<String, Object> colon = new LinkedHashMap<>();
    colon.put("cloudEvents:specversion", "0.3");
    assertThatThrownBy(() -> AmqpBinding.toEvent(plain("{}", colon), "a.b", null))
        .hasMessageContaining("'0.3'");
  }

  @Test
  void anUnparseableTimeIsRefusedNotReplacedByTheReceiveTime() {
    Map<String, Object> h = cloudEvent();
    h.put("cloudEvents_time", "2026-13-45T99:00:00Z");
    assertThatThrownBy(() -> AmqpBinding.toEvent(plain("{}", h), "a.b", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'2026-13-45T99:00:00Z'");
  }

  @Test
  void timesWithOffsetsAreReadAndAMissingTimeIsTheAmqpTimestamp() {
    Map<String, Object> h = cloudEvent();
    h.put("cloudEvents_time", "2026-01-02T03:04:05+02:00");
    assertThat(AmqpBinding.toEvent(plain("{}", h), "a.b", null).time())
        .isEqualTo(Instant.parse("2026-01-02T01:04:05Z"));
    Instant stamp = Instant.parse("2025-01-01T00:00:00Z");
    Message stamped =
        new Message("i", null, null, null, null, stamp, null, true, cloudEvent(), new byte[0]);
    assertThat(AmqpBinding.toEvent(stamped, "a.b", null).time()).isEqualTo(stamp);
  }

  @Test
  void anAttributeNameWarrenCannotCarryIsRefusedNotLeftOut() {
    Map<String, Object> h = cloudEvent();
    h.put("cloudEvents_Trace-Id", "x");
    assertThatThrownBy(() -> AmqpBinding.toEvent(plain("{}", h), "a.b", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cloudEvents_Trace-Id");
  }

  @Test
  void theDataSchemaAndTypedExtensionsArriveAsTheyWereSent() {
    Map<String, Object> h = cloudEvent();
    h.put("cloudEvents_dataschema", "https://example.com/schema");
    h.put("cloudEvents_count", 5);
    h.put("cloudEvents_big", 7L);
    h.put("cloudEvents_flag", true);
    h.put("cloudEvents_tenant", "acme");
    Event e = AmqpBinding.toEvent(plain("{}", h), "a.b", null);
    assertThat(e.dataSchema()).contains("https://example.com/schema");
    assertThat(e.extensions())
        .containsEntry("count", 5)
        .containsEntry("big", 7)
        .containsEntry("flag", true)
        .containsEntry("tenant", "acme");
    assertThat(e.extension("flag")).contains("true");

    // and they are written back with their types
    Map<String, Object> out = AmqpBinding.toMessage(e, Map.of()).headers();
    assertThat(out)
        .containsEntry("cloudEvents_dataschema", "https://example.com/schema")
        .containsEntry("cloudEvents_count", 5)
        .containsEntry("cloudEvents_flag", true);
  }

  @Test
  void aDataSchemaThatIsNoAbsoluteUriIsRefusedWithAReason() {
    Map<String, Object> h = cloudEvent();
    h.put("cloudEvents_dataschema", "schema.json");
    assertThatThrownBy(() -> AmqpBinding.toEvent(plain("{}", h), "a.b", null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dataschema 'schema.json'");
  }

  @Test
  void theDataContentTypeAttributeIsUsedWhenTheContentTypePropertyIsMissing() {
    Map<String, Object> h = cloudEvent();
    h.put("cloudEvents_datacontenttype", "text/plain");
    assertThat(AmqpBinding.toEvent(plain("hi", h), "a.b", null).dataContentType())
        .isEqualTo("text/plain");
  }
}
