package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schedules over HTTP: defined, listed, paused, resumed, triggered and deleted through the routes;
 * every answer checked against {@code /openapi.json} by {@link Http}.
 */
class ScheduleRoutesTest {
  static Warren warren;
  static WarrenServer server;
  static Http http;
  static final List<Object> runs = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    warren =
        Warren.create(
            WarrenOptions.builder()
                .source("schedule-routes")
                .memoryBroker("schedule-routes")
                .build());
    warren.tasks().register("routes.job", Map.class, args -> runs.add(args));
    server = WarrenServer.start(ServerOptions.builder().port(0).build(), warren);
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    for (var s : warren.schedules().list()) {
      if (s.name().startsWith("routes.")) {
        warren.schedules().delete(s.name());
      }
    }
    server.stop();
    warren.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JsonDataCodec.MAPPER.readTree(r.body());
  }

  private static HttpResponse<String> post(String path, String body) {
    return http.send("POST", path, "application/json", body);
  }

  @Test
  void aScheduleDefinedOverHttpFiresAndIsOperated() throws Exception {
    var defined =
        post(
            "/schedules",
            "{\"name\":\"routes.tick\",\"every\":\"1s\",\"task\":\"routes.job\","
                + "\"args\":{\"n\":1},\"missedSlots\":\"skip\",\"history\":10}");
    assertThat(defined.statusCode()).as(defined.body()).isEqualTo(201);
    assertThat(defined.headers().firstValue("Location")).contains("/schedules/routes.tick");
    assertThat(json(defined).path("every").asText()).isEqualTo("PT1S");
    assertThat(json(defined).path("missedSlots").asText()).isEqualTo("SKIP");
    assertThat(json(defined).path("nextSlot").asText()).isNotEmpty();

    await().atMost(Duration.ofSeconds(10)).until(() -> !runs.isEmpty());
    assertThat(runs.get(0)).isEqualTo(Map.of("n", 1));

    JsonNode one = json(http.get("/schedules/routes.tick?limit=5"));
    assertThat(one.path("firings").size()).isBetween(1, 5);
    assertThat(one.path("firings").get(0).path("taskId").asText()).isNotEmpty();
    assertThat(json(http.get("/schedules")).path("schedules").findValuesAsText("name"))
        .contains("routes.tick");

    var paused = post("/schedules/routes.tick/pause", "");
    assertThat(paused.statusCode()).isEqualTo(200);
    assertThat(json(paused).path("paused").asBoolean()).isTrue();

    var triggered = post("/schedules/routes.tick/trigger", "");
    assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(202);
    JsonNode firing = json(triggered);
    assertThat(firing.path("manual").asBoolean()).isTrue();
    assertThat(firing.path("state").asText()).isEqualTo("FIRED");
    assertThat(triggered.headers().firstValue("Location"))
        .contains("/tasks/" + firing.path("taskId").asText());

    var resumed = post("/schedules/routes.tick/resume", "");
    assertThat(json(resumed).path("paused").asBoolean()).isFalse();

    assertThat(http.send("DELETE", "/schedules/routes.tick", null, null).statusCode())
        .isEqualTo(200);
    assertThat(http.get("/schedules/routes.tick").statusCode()).isEqualTo(404);
    assertThat(http.send("DELETE", "/schedules/routes.tick", null, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void badDefinitionsAreProblemsNamingTheBadValue() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"name\":\"routes.bad\",\"cron\":\"0 61 * * * *\"}", "'0 61 * * * *'",
            "{\"name\":\"routes.bad\",\"cron\":\"every day\"}", "'every day'",
            "{\"name\":\"routes.bad\",\"every\":\"10ms\"}", "PT0.01S",
            "{\"name\":\"routes.bad\",\"every\":\"soon\"}", "soon",
            "{\"name\":\"routes.bad\",\"cron\":\"* * * * * *\",\"zone\":\"Mars/Olympus\"}",
                "Mars/Olympus",
            "{\"name\":\"routes.bad\",\"cron\":\"* * * * * *\",\"every\":\"5s\"}", "either",
            "{\"name\":\"routes bad\",\"every\":\"5s\"}", "'routes bad'",
            "{\"name\":\"routes.bad\",\"every\":\"5s\",\"missedSlots\":\"SOMETIMES\"}", "SOMETIMES",
            "{\"name\":\"routes.bad\",\"every\":\"5s\",\"colour\":\"red\"}", "colour");
    for (var c : cases.entrySet()) {
      var r = post("/schedules", c.getKey());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(json(r).path("detail").asText()).as(c.getKey()).contains(c.getValue());
    }
    assertThat(http.get("/schedules/routes.bad").statusCode()).isEqualTo(404);
    assertThat(post("/schedules/routes.nothing/trigger", "").statusCode()).isEqualTo(404);
    assertThat(post("/schedules/routes.nothing/pause", "").statusCode()).isEqualTo(404);
    assertThat(http.get("/schedules/routes.nothing?limit=0").statusCode()).isEqualTo(400);
  }
}
