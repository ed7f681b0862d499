package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker that is down, blocks publishing (a resource alarm) or does not confirm: readiness says
 * so with the reason, and every publishing endpoint answers 503 with Retry-After at once, or at the
 * server's short publish timeout, never after the instance's own 30 s.
 */
class BrokerOutageTest {
  static FaultyWarren warren;
  static WarrenServer server;
  static Http http;

  /** One publishing request of each endpoint that publishes. */
  static final List<String[]> PUBLISHING =
      List.of(
          new String[] {"POST", "/publish/outage.test", "application/json", "{\"n\":1}"},
          new String[] {
            "POST",
            "/events",
            "application/cloudevents+json",
            "{\"specversion\":\"1.0\",\"type\":\"outage.test\"}"
          },
          new String[] {
            "POST",
            "/events",
            "application/cloudevents-batch+json",
            "[{\"specversion\":\"1.0\",\"type\":\"outage.test\"}]"
          },
          new String[] {"POST", "/tasks", "application/json", "{\"name\":\"outage.task\"}"},
          new String[] {
            "POST",
            "/queues/outage-q/messages",
            "application/cloudevents+json",
            "{\"specversion\":\"1.0\",\"type\":\"outage.test\"}"
          });

  @BeforeAll
  static void start() {
    warren =
        new FaultyWarren(
            Warren.create(WarrenOptions.builder().memoryBroker("server-outage-test").build()));
    server =
        WarrenServer.start(
            ServerOptions.builder().port(0).publishTimeout(Duration.ofMillis(500)).build(), warren);
    http = new Http(server.port());
    assertThat(http.send("PUT", "/queues/outage-q", "application/json", "{}").statusCode())
        .isEqualTo(201);
  }

  @AfterEach
  void heal() {
    warren.healthy();
  }

  @AfterAll
  static void stop() {
    server.stop();
    warren.close();
  }

  @Test
  void aBlockedConnectionIsReportedAndRefusedAtOnce() throws Exception {
    warren.blockedReason = "low on disk";
    HttpResponse<String> ready = http.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode broker = ServerEndpointsTest.json(ready).get("checks").get(0);
    assertThat(broker.get("status").asText()).isEqualTo("Unhealthy");
    assertThat(broker.get("description").asText()).contains("low on disk");
    for (String[] r : PUBLISHING) {
      assertUnavailableAtOnce(r, "low on disk");
    }
    warren.blockedReason = null;
    assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(http.send("POST", "/publish/outage.test", "application/json", "{}").statusCode())
        .isEqualTo(202);
  }

  @Test
  void aBrokerKnownToBeDownIsRefusedAtOnce() throws Exception {
    warren.connected = false;
    assertThat(http.get("/health/ready").statusCode()).isEqualTo(503);
    for (String[] r : PUBLISHING) {
      assertUnavailableAtOnce(r, "unreachable");
    }
  }

  @Test
  void aPublishWithoutConfirmAnswers503AtTheServersPublishTimeout() throws Exception {
    warren.confirms = false;
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        http.send("POST", "/publish/outage.test", "application/json", "{\"n\":2}");
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).contains("5");
    assertThat(ServerEndpointsTest.json(r).get("detail").asText())
        .contains("500 ms")
        .contains("WARREN_HTTP_PUBLISH_TIMEOUT");
    assertThat(millis)
        .as("answered after the 500 ms timeout, well before 30 s")
        .isBetween(450L, 5000L);
    HttpResponse<String> batch =
        http.send(
            "POST",
            "/events",
            "application/cloudevents-batch+json",
            "[{\"specversion\":\"1.0\",\"type\":\"outage.one\"},"
                + "{\"specversion\":\"1.0\",\"type\":\"outage.two\"}]");
    assertThat(batch.statusCode()).isEqualTo(503);
    assertThat(ServerEndpointsTest.json(batch).get("detail").asText())
        .contains("WARREN_HTTP_PUBLISH_TIMEOUT");
  }

  @Test
  void thePublishTimeoutIsASettingWithAShortDefault() {
    assertThat(ServerOptions.builder().build().publishTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(
            ServerOptions.fromEnvironment(java.util.Map.of("WARREN_HTTP_PUBLISH_TIMEOUT", "1500ms"))
                .publishTimeout())
        .isEqualTo(Duration.ofMillis(1500));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ServerOptions.fromEnvironment(
                    java.util.Map.of("WARREN_HTTP_PUBLISH_TIMEOUT", "0s")))
        .hasMessageContaining("WARREN_HTTP_PUBLISH_TIMEOUT");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ServerOptions.fromEnvironment(
                    java.util.Map.of("WARREN_HTTP_PUBLISH_TIMEOUT", "soon")))
        .hasMessageContaining("soon");
  }

  private static void assertUnavailableAtOnce(String[] request, String reason) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(request[0], request[1], request[2], request[3]);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    String what = request[0] + " " + request[1] + " " + request[2];
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).as(what).contains("5");
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith(WarrenServer.PROBLEM_JSON);
    assertThat(ServerEndpointsTest.json(r).get("detail").asText()).as(what).contains(reason);
    assertThat(millis).as(what + ": answered at once").isLessThan(400);
  }
}
