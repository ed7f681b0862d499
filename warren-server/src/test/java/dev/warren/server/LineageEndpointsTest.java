package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lineage endpoints answer JSON-able records, and 404 for what is not recorded. */
@Timeout(60)
class LineageEndpointsTest {
  private Warren warren;
  private LineageEndpoints endpoints;
  private String prefix;

  @BeforeEach
  void start() {
    prefix = "e" + UUID.randomUUID().toString().substring(0, 8);
    warren =
        Warren.create(
            WarrenOptions.builder()
                .transport(WarrenOptions.TransportKind.MEMORY)
                .exchange(prefix + ".events")
                .build());
    endpoints = new LineageEndpoints(warren);
  }

  @AfterEach
  void stop() {
    warren.close();
  }

  @Test
  void anEventItsTreeAndItsCorrelationSerializeToJson() throws Exception {
    warren.subscribe(
        Subscription.named(prefix + "-first").pattern("a.first"),
        e -> warren.publish("a.second", "{}").join());
    warren.subscribe(Subscription.named(prefix + "-second").pattern("a.second"), e -> {});
    Event root = warren.publish("a.first", "{}").join();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                endpoints.lineage(root.id()).roots().get(0).children().size() == 1
                    && !endpoints
                        .lineage(root.id())
                        .roots()
                        .get(0)
                        .children()
                        .get(0)
                        .event()
                        .deliveries()
                        .isEmpty());

    ObjectMapper json = new ObjectMapper();
    JsonNode event = json.valueToTree(endpoints.event(root.id()));
    assertThat(event.path("type").asText()).isEqualTo("a.first");
    assertThat(event.path("deliveries").get(0).path("outcome").asText()).isEqualTo("HANDLED");
    assertThat(event.path("time").asText()).isEqualTo(root.time().toString());

    JsonNode tree = json.valueToTree(endpoints.lineage(root.id()));
    assertThat(
            tree.path("roots").get(0).path("children").get(0).path("event").path("type").asText())
        .isEqualTo("a.second");

    JsonNode chain = json.valueToTree(endpoints.correlation(root.id()));
    assertThat(chain.path("events")).hasSize(2);
  }

  @Test
  void unknownIdsAre404() {
    assertThatThrownBy(() -> endpoints.event("nope"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThatThrownBy(() -> endpoints.lineage("nope"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThatThrownBy(() -> endpoints.correlation("nope"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
  }
}
