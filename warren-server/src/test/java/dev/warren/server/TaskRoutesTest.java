package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tasks over HTTP: submitted, tracked and revoked through the server's routes. */
class TaskRoutesTest {
  static Warren warren;
  static WarrenServer server;
  static Http http;
  static final CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    warren = Warren.create(WarrenOptions.builder().source("task-routes").build());
    warren.tasks().register("http.echo", ctx -> Map.of("echo", ctx.args(Map.class).get("x")));
    warren
        .tasks()
        .register(
            "http.fail",
            ctx -> {
              throw new IllegalStateException("renderer crashed");
            });
    warren
        .tasks()
        .register(
            "http.slow",
            ctx -> {
              while (!ctx.isCancelled()) {
                release.await(20, java.util.concurrent.TimeUnit.MILLISECONDS);
              }
              return null;
            });
    server = WarrenServer.start(ServerOptions.builder().port(0).build(), warren);
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    release.countDown();
    server.stop();
    warren.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JsonDataCodec.MAPPER.readTree(r.body());
  }

  private static String state(String id) throws Exception {
    return json(http.get("/tasks/" + id)).path("state").asText();
  }

  @Test
  void submittedTasksReachSuccessFailureAndRevoked() throws Exception {
    var ok =
        http.send(
            "POST", "/tasks", "application/json", "{\"name\":\"http.echo\",\"args\":{\"x\":7}}");
    assertThat(ok.statusCode()).isEqualTo(202);
    String okId = json(ok).get("id").asText();
    assertThat(ok.headers().firstValue("Location")).contains("/tasks/" + okId);

    var fail =
        http.send(
            "POST", "/tasks", "application/json", "{\"name\":\"http.fail\",\"maxRetries\":0}");
    String failId = json(fail).get("id").asText();

    var slow = http.send("POST", "/tasks", "application/json", "{\"name\":\"http.slow\"}");
    String slowId = json(slow).get("id").asText();

    await().atMost(Duration.ofSeconds(20)).until(() -> state(okId).equals("SUCCESS"));
    assertThat(json(http.get("/tasks/" + okId)).path("result").path("echo").asInt()).isEqualTo(7);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(failId).equals("FAILURE"));
    assertThat(json(http.get("/tasks/" + failId)).path("error").path("message").asText())
        .contains("renderer crashed");

    await().atMost(Duration.ofSeconds(20)).until(() -> !state(slowId).equals("PENDING"));
    var revoked = http.send("DELETE", "/tasks/" + slowId, null, null);
    assertThat(revoked.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(slowId).equals("REVOKED"));

    var recent = json(http.get("/tasks?state=recent"));
    assertThat(recent.path("tasks").size()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void unknownTasksAndBadBodiesAreProblems() throws Exception {
    var missing = http.get("/tasks/no-such-task");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    var bad =
        http.send(
            "POST",
            "/tasks",
            "application/json",
            "{\"name\":\"http.echo\",\"countdown\":\"soon\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("countdown");
  }
}
