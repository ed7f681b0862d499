package dev.warren.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StructuredJsonTest {
  private final Event.Builder base =
      Event.builder("virtual-key.updated")
          .id("0190b8e4-0000-7000-8000-000000000001")
          .source("/conduit/admin")
          .time(Instant.parse("2025-11-23T12:00:00.123456Z"));

  @Test
  void writesTheAttributesExtensionsAndJsonDataOnOneLine() {
    Event event =
        base.subject("42")
            .partitionKey("42")
            .extension("tenant", "acme")
            .jsonData("{\n  \"keyId\": 42,\n  \"limit\": 1.10\n}")
            .build();

    assertThat(StructuredJson.write(event))
        .isEqualTo(
            "{\"specversion\":\"1.0\",\"id\":\"0190b8e4-0000-7000-8000-000000000001\","
                + "\"source\":\"/conduit/admin\",\"type\":\"virtual-key.updated\","
                + "\"time\":\"2025-11-23T12:00:00.123456Z\",\"datacontenttype\":\"application/json\","
                + "\"subject\":\"42\",\"partitionkey\":\"42\",\"tenant\":\"acme\","
                + "\"data\":{\"keyId\":42,\"limit\":1.10}}");
  }

  @Test
  void nonJsonDataAndJsonTypedDataThatIsNotJsonAreBase64() {
    Event text = base.data("héllo".getBytes(StandardCharsets.UTF_8), "text/plain").build();
    Event broken = base.data("{oops".getBytes(StandardCharsets.UTF_8), "application/json").build();

    assertThat(StructuredJson.write(text)).endsWith("\"data_base64\":\"aMOpbGxv\"}");
    assertThat(StructuredJson.write(broken)).endsWith("\"data_base64\":\"e29vcHM=\"}");
    assertThat(StructuredJson.read(StructuredJson.write(broken))).isEqualTo(broken);
  }

  @Test
  void readsBackWhatItWrites() {
    Event event =
        base.correlationId("c-1")
            .causationId("e-0")
            .data(
                "{\"a\":[1,2.50,\"x\"]}".getBytes(StandardCharsets.UTF_8),
                "application/cloudevents+json")
            .build();

    assertThat(StructuredJson.read(StructuredJson.write(event))).isEqualTo(event);
  }

  @Test
  void readsTextDataOfATextTypeAsText() {
    Event event =
        StructuredJson.read(
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"a.b\","
                + "\"datacontenttype\":\"text/plain\",\"data\":\"hi\"}");

    assertThat(event.dataAsString()).isEqualTo("hi");
  }

  @Test
  void rejectsWhatIsNotAStructuredCloudEvent() {
    assertThatThrownBy(() -> StructuredJson.read("[1]"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> StructuredJson.read("{\"specversion\":\"0.3\"}"))
        .hasMessageContaining("unsupported specversion '0.3'");
    assertThatThrownBy(
            () -> StructuredJson.read("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"a.b\"}"))
        .hasMessageContaining("needs 'source'");
    assertThatThrownBy(() -> StructuredJson.read("{\"specversion\":"))
        .hasMessageContaining("the event is not valid JSON");
  }
}
