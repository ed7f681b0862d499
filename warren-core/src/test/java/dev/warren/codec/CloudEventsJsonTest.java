package dev.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CloudEventsJsonTest {
  private final Event.Builder base =
      Event.builder("virtual-key.updated")
          .id("0190b8e4-0000-7000-8000-000000000001")
          .source("/conduit/admin")
          .time(Instant.parse("2025-11-23T12:00:00.123456Z"));

  @Test
  void theDataSchemaAndTypedExtensionsSurviveARoundTrip() {
    Event e =
        CloudEventsJson.read(
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"a.b\","
                + "\"dataschema\":\"https://example.com/s.json\",\"count\":5,\"flag\":true,"
                + "\"tenant\":\"acme\"}");
    assertThat(e.dataSchema()).contains("https://example.com/s.json");
    assertThat(e.extensions())
        .containsEntry("count", 5)
        .containsEntry("flag", true)
        .containsEntry("tenant", "acme");
    String written = CloudEventsJson.write(e);
    assertThat(written)
        .contains("\"dataschema\":\"https://example.com/s.json\"")
        .contains("\"count\":5")
        .contains("\"flag\":true")
        .contains("\"tenant\":\"acme\"");
    assertThat(CloudEventsJson.read(written)).isEqualTo(e);
  }

  @Test
  void numbersThatAreNoCloudEventsIntegersAreRefusedNamingTheExtension() {
    for (String n : new String[] {"1.5", "9999999999"}) {
      assertThatThrownBy(
              () ->
                  CloudEventsJson.read(
                      "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\","
                          + "\"type\":\"a.b\",\"ratio\":"
                          + n
                          + "}"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("extension 'ratio'");
    }
  }

  @Test
  void writesTheAttributesExtensionsAndJsonDataOnOneLine() {
    Event event =
        base.subject("42")
            .partitionKey("42")
            .extension("tenant", "acme")
            .jsonData("{\n  \"keyId\": 42,\n  \"limit\": 1.10\n}")
            .build();

    assertThat(CloudEventsJson.write(event))
        .isEqualTo(
            "{\"specversion\":\"1.0\",\"id\":\"0190b8e4-0000-7000-8000-000000000001\","
                + "\"source\":\"/conduit/admin\",\"type\":\"virtual-key.updated\","
                + "\"time\":\"2025-11-23T12:00:00.123456Z\",\"datacontenttype\":\"application/json\","
                + "\"subject\":\"42\",\"partitionkey\":\"42\",\"tenant\":\"acme\","
                + "\"data\":{\"keyId\":42,\"limit\":1.10}}");
  }

  @Test
  void theTreeIsTheTextThatIsWritten() {
    Event event = base.extension("tenant", "acme").jsonData("{\"price\":2.50}").build();

    assertThat(CloudEventsJson.toJson(event).toString()).isEqualTo(CloudEventsJson.write(event));
  }

  @Test
  void nonJsonDataAndJsonTypedDataThatIsNotJsonAreBase64() {
    Event text = base.data("héllo".getBytes(StandardCharsets.UTF_8), "text/plain").build();
    Event broken = base.data("{oops".getBytes(StandardCharsets.UTF_8), "application/json").build();

    assertThat(CloudEventsJson.write(text)).endsWith("\"data_base64\":\"aMOpbGxv\"}");
    assertThat(CloudEventsJson.write(broken)).endsWith("\"data_base64\":\"e29vcHM=\"}");
    assertThat(CloudEventsJson.read(CloudEventsJson.write(broken))).isEqualTo(broken);
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

    assertThat(CloudEventsJson.read(CloudEventsJson.write(event))).isEqualTo(event);
  }

  @Test
  void readsTextDataOfATextTypeAsText() {
    Event event =
        CloudEventsJson.read(
            "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"a.b\","
                + "\"datacontenttype\":\"text/plain\",\"data\":\"hi\"}");

    assertThat(event.dataAsString()).isEqualTo("hi");
  }

  @Test
  void withDefaultsAMissingIdIsMadeAndAMissingSourceIsTheDefault() {
    var node = CloudEventsJson.parse("{\"specversion\":\"1.0\",\"type\":\"a.b\"}".getBytes());

    Event event = CloudEventsJson.fromJsonWithDefaults(node, "/gateway");

    assertThat(event.id()).isNotBlank();
    assertThat(event.source()).isEqualTo("/gateway");
    assertThat(CloudEventsJson.fromJsonWithDefaults(node, null).source()).isNull();
    assertThatThrownBy(() -> CloudEventsJson.fromJson(node)).hasMessageContaining("needs 'id'");
  }

  @Test
  void rejectsWhatIsNotAStructuredCloudEvent() {
    assertThatThrownBy(() -> CloudEventsJson.read("[1]"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must be a JSON object, got ARRAY");
    assertThatThrownBy(() -> CloudEventsJson.read("{\"specversion\":\"0.3\"}"))
        .hasMessageContaining("unsupported specversion '0.3'");
    assertThatThrownBy(
            () -> CloudEventsJson.read("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"a.b\"}"))
        .hasMessageContaining("needs 'source'");
    assertThatThrownBy(() -> CloudEventsJson.read("{\"specversion\":"))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> CloudEventsJson.read("{\"specversion\":\"1.0\",\"type\":7}"))
        .hasMessageContaining("'type' must be a string, got NUMBER 7");
    assertThatThrownBy(
            () ->
                CloudEventsJson.read(
                    "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"a.b\","
                        + "\"ext\":{\"x\":1}}"))
        .hasMessageContaining("extension 'ext'");
    assertThatThrownBy(
            () ->
                CloudEventsJson.read(
                    "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"a.b\","
                        + "\"data_base64\":\"!!!\"}"))
        .hasMessageContaining("'!!!'");
  }

  @Test
  void parseKeepsNumbersExactAndRejectsTrailingValues() {
    assertThat(CloudEventsJson.parse("{\"n\":1.10}".getBytes()).toString())
        .isEqualTo("{\"n\":1.10}");
    assertThatThrownBy(() -> CloudEventsJson.parse("{} {}".getBytes()))
        .hasMessageStartingWith("not valid JSON: ");
    assertThatThrownBy(() -> CloudEventsJson.parse(" ".getBytes()))
        .hasMessage("not valid JSON: it is empty");
  }
}
