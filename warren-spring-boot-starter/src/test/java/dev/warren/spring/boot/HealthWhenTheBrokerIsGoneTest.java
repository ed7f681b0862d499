package dev.warren.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.testkit.BrokerProxy;
import dev.warren.testkit.TestBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /actuator/health} of the {@link Shop} on RabbitMQ over HTTP: UP with Warren in it, DOWN
 * (in the readiness group too) while the broker blocks publishing, UP again when it stops, and DOWN
 * once the broker is gone. A TCP relay in front of the broker plays the faults: it sends the
 * broker's {@code connection.blocked}, then is cut; the shared broker itself is never touched.
 */
@SpringBootTest(
    classes = Shop.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "shop.billing-subscription=billing",
      "management.endpoints.web.exposure.include=health",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.probes.enabled=true",
      "warren.shutdown-timeout=2s",
      "warren.publish-timeout=2s"
    })
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthWhenTheBrokerIsGoneTest {
  private static TestBroker broker;
  private static BrokerProxy proxy;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @BeforeAll
  static void brokerBehindARelay() throws IOException {
    broker = TestBroker.create();
    proxy = new BrokerProxy(broker.host(), broker.port());
  }

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry properties) {
    properties.add(
        "warren.rabbitmq.url",
        () ->
            broker.uri().replace(broker.host() + ":" + broker.port(), "127.0.0.1:" + proxy.port()));
  }

  @AfterAll
  static void cleanUp() {
    if (proxy != null) {
      proxy.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void healthIsDownWhileTheBrokerBlocksPublishing() throws Exception {
    assertThat(get("/actuator/health").statusCode()).isEqualTo(200);

    proxy.block("low on disk");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> blocked = get("/actuator/health");
              assertThat(blocked.statusCode()).isEqualTo(503);
              assertThat(json(blocked).at("/components/warren/details/reason").asText())
                  .isEqualTo("the broker blocks publishing: low on disk");
            });
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);

    proxy.unblock();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(get("/actuator/health").statusCode()).isEqualTo(200));
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void healthGoesDownWhenTheBrokerIsUnreachable() throws Exception {
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health).at("/components/warren/status").asText()).isEqualTo("UP");
    assertThat(json(health).at("/components/warren/details/subscriptions/billing").asText())
        .isEqualTo("consuming");
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);

    proxy.kill();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> down = get("/actuator/health");
              assertThat(down.statusCode()).isEqualTo(503);
              assertThat(json(down).at("/components/warren/status").asText()).isEqualTo("DOWN");
              assertThat(json(down).at("/components/warren/details/reason").asText())
                  .isEqualTo("the broker is unreachable");
            });
    HttpResponse<String> notReady = get("/actuator/health/readiness");
    assertThat(notReady.statusCode()).isEqualTo(503);
    // why: Spring Boot's own readiness group holds readinessState only, which is still UP: the
    // group is DOWN because the starter put Warren in it
    assertThat(json(notReady).at("/status").asText()).isEqualTo("DOWN");
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return MAPPER.readTree(response.body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
