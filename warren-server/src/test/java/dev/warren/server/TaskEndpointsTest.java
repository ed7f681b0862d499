package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.server.TaskEndpoints.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The task endpoints over the in-memory transport and store: a no-op task reaches SUCCESS, a
 * failing one FAILURE, a revoked one REVOKED; bad input is a 400 problem naming the field.
 */
@Timeout(60)
class TaskEndpointsTest {
  private Warren warren;
  private TaskEndpoints endpoints;
  private String queue;
  private String prefix;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() {
    prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    queue = prefix + ".tasks";
    warren =
        Warren.create(
            WarrenOptions.builder()
                .transport(WarrenOptions.TransportKind.MEMORY)
                .exchange(prefix + ".events")
                .build());
    warren.tasks().register(prefix + ".noop", queue, ctx -> Map.of("ok", true));
    warren
        .tasks()
        .register(
            prefix + ".fail",
            queue,
            ctx -> {
              throw new IllegalStateException("broken on purpose");
            });
    warren
        .tasks()
        .register(
            prefix + ".slow",
            prefix + ".slow-tasks",
            ctx -> {
              ctx.progress(0.25, Map.of("step", 1));
              while (!ctx.isCancelled()) {
                release.await(20, java.util.concurrent.TimeUnit.MILLISECONDS);
              }
              ctx.checkCancelled();
              return null;
            });
    endpoints = new TaskEndpoints(warren);
  }

  @AfterEach
  void stop() {
    release.countDown();
    warren.close();
  }

  private String submitted(String body) {
    Reply r = endpoints.submit(body);
    assertThat(r.status()).isEqualTo(202);
    String id = r.body().path("id").asText();
    assertThat(r.location()).isEqualTo("/tasks/" + id);
    return id;
  }

  private JsonNode awaitState(String id, String state) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> endpoints.get(id).body().path("state").asText().equals(state));
    return endpoints.get(id).body();
  }

  @Test
  void aNoOpTaskSucceedsWithItsResultAndTimestamps() {
    String id =
        submitted(
            "{\"name\":\""
                + prefix
                + ".noop\",\"args\":{\"a\":[1,2]},\"queue\":\""
                + queue
                + "\",\"maxRetries\":0,\"softTimeLimit\":\"5s\",\"timeLimit\":10,\"resultTtl\":\"1h\"}");

    JsonNode task = awaitState(id, "SUCCESS");

    assertThat(task.path("id").asText()).isEqualTo(id);
    assertThat(task.path("name").asText()).isEqualTo(prefix + ".noop");
    assertThat(task.path("result").path("ok").asBoolean()).isTrue();
    assertThat(task.path("error").isNull()).isTrue();
    assertThat(task.path("attempts").asInt()).isEqualTo(1);
    for (String t : List.of("submittedAt", "eta", "startedAt", "finishedAt", "expiresAt")) {
      assertThat(task.path(t).isTextual()).as(t).isTrue();
    }
    assertThat(task.path("history").findValuesAsText("state"))
        .containsExactly("PENDING", "STARTED", "SUCCESS");
  }

  @Test
  void aFailingTaskEndsInFailureWithItsError() {
    String id =
        submitted(
            "{\"name\":\"" + prefix + ".fail\",\"queue\":\"" + queue + "\",\"maxRetries\":0}");

    JsonNode task = awaitState(id, "FAILURE");

    assertThat(task.path("error").path("type").asText())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(task.path("error").path("message").asText()).isEqualTo("broken on purpose");
    assertThat(task.path("error").has("trace")).isFalse();
    assertThat(task.path("result").isNull()).isTrue();
    assertThat(task.path("finishedAt").isTextual()).isTrue();
  }

  @Test
  void aScheduledTaskIsRevokedAtOnce() {
    String id =
        submitted(
            "{\"name\":\"" + prefix + ".noop\",\"queue\":\"" + queue + "\",\"countdown\":\"1h\"}");
    assertThat(endpoints.get(id).body().path("state").asText()).isEqualTo("SCHEDULED");

    Reply r = endpoints.revoke(id);

    assertThat(r.status()).isEqualTo(202);
    assertThat(r.body().path("state").asText()).isEqualTo("REVOKED");
    assertThat(endpoints.revoke(id).body().path("state").asText()).isEqualTo("REVOKED");
  }

  @Test
  void aRunningTaskIsRevokedOnceItStops() {
    String id =
        submitted("{\"name\":\"" + prefix + ".slow\",\"queue\":\"" + prefix + ".slow-tasks\"}");
    JsonNode running = awaitState(id, "PROGRESS");
    assertThat(running.path("progress").path("fraction").asDouble()).isEqualTo(0.25);
    assertThat(running.path("progress").path("meta").path("step").asInt()).isEqualTo(1);

    assertThat(endpoints.revoke(id).status()).isEqualTo(202);

    JsonNode task = awaitState(id, "REVOKED");
    assertThat(task.path("finishedAt").isTextual()).isTrue();
  }

  @Test
  void listingFiltersByStateGroupAndName() {
    String ok = submitted("{\"name\":\"" + prefix + ".noop\",\"queue\":\"" + queue + "\"}");
    String later =
        submitted(
            "{\"name\":\"" + prefix + ".noop\",\"queue\":\"" + queue + "\",\"countdown\":600}");
    awaitState(ok, "SUCCESS");

    JsonNode recent = endpoints.list("recent", prefix + ".noop", null).body();
    JsonNode scheduled = endpoints.list("scheduled", prefix + ".noop", "10").body();
    JsonNode all = endpoints.list(null, prefix + ".noop", "1").body();

    assertThat(recent.path("tasks").findValuesAsText("id")).containsExactly(ok);
    assertThat(scheduled.path("tasks").findValuesAsText("id")).containsExactly(later);
    assertThat(all.path("tasks")).hasSize(1);
    assertThat(all.path("limit").asInt()).isEqualTo(1);
    assertThat(endpoints.list("SUCCESS,scheduled", prefix + ".noop", null).body().path("tasks"))
        .hasSize(2);
  }

  @Test
  void listingFiltersByTimeRange() {
    java.time.Instant before = java.time.Instant.now().minusMillis(1);
    String ok = submitted("{\"name\":\"" + prefix + ".noop\",\"queue\":\"" + queue + "\"}");
    awaitState(ok, "SUCCESS");

    JsonNode since = endpoints.list(null, prefix + ".noop", before.toString(), null, null).body();
    JsonNode lastHour = endpoints.list(null, prefix + ".noop", "1h", null, null).body();
    JsonNode until = endpoints.list(null, prefix + ".noop", null, before.toString(), null).body();
    JsonNode future =
        endpoints.list(null, prefix + ".noop", "2099-01-01T00:00:00Z", null, null).body();

    assertThat(since.path("tasks").findValuesAsText("id")).containsExactly(ok);
    assertThat(lastHour.path("tasks").findValuesAsText("id")).containsExactly(ok);
    assertThat(until.path("tasks")).isEmpty();
    assertThat(future.path("tasks")).isEmpty();
  }

  @Test
  void aPriorityTaskRunsOnAPriorityQueueAndLimitsAreListed() {
    String priorityQueue = prefix + ".priority";
    warren.tasks().register(prefix + ".urgent", priorityQueue, ctx -> "done");
    warren
        .tasks()
        .limit(prefix + ".urgent", dev.warren.tasks.TaskLimits.parse("50/s").perKeyConcurrency(1));
    String id =
        submitted(
            "{\"name\":\""
                + prefix
                + ".urgent\",\"queue\":\""
                + priorityQueue
                + "\",\"priority\":7,\"limitKey\":\"customer-1\"}");
    awaitState(id, "SUCCESS");

    JsonNode limits = endpoints.limits().body().path("limits");
    JsonNode mine = null;
    for (JsonNode l : limits) {
      if (l.path("name").asText().equals(prefix + ".urgent")) {
        mine = l;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.path("rate").asText()).isEqualTo("50/1s");
    assertThat(mine.path("perKeyConcurrency").asInt()).isEqualTo(1);
    assertThat(mine.path("concurrency").asInt()).isZero();
    assertThat(mine.path("startsInWindow").isInt()).isTrue();
    assertThat(mine.path("runningByKey").isObject()).isTrue();
  }

  @Test
  void unknownTasksAre404() {
    assertThatThrownBy(() -> endpoints.get("no-such-task"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThatThrownBy(() -> endpoints.revoke("no-such-task"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
  }

  static List<Object[]> badBodies() {
    return List.of(
        new Object[] {"", "empty"},
        new Object[] {"{nope", "not valid JSON"},
        new Object[] {"[1]", "JSON object"},
        new Object[] {"{}", "name: required"},
        new Object[] {"{\"name\":42}", "name: must be a non-empty string"},
        new Object[] {"{\"name\":\"bad name!\"}", "name: task name 'bad name!' is invalid"},
        new Object[] {"{\"name\":\"a\",\"colour\":1}", "colour: unknown field"},
        new Object[] {"{\"name\":\"a\",\"countdown\":-1}", "countdown: must be zero or more"},
        new Object[] {"{\"name\":\"a\",\"countdown\":\"soon\"}", "countdown: 'soon' is not a"},
        new Object[] {"{\"name\":\"a\",\"countdown\":\"-PT5S\"}", "countdown: must be zero"},
        new Object[] {"{\"name\":\"a\",\"countdown\":true}", "countdown: must be seconds"},
        new Object[] {"{\"name\":\"a\",\"countdown\":1e30}", "countdown: 1.0E30 s is longer"},
        new Object[] {
          "{\"name\":\"a\",\"countdown\":5,\"eta\":\"2030-01-01T00:00:00Z\"}",
          "countdown: give countdown or eta, not both"
        },
        new Object[] {"{\"name\":\"a\",\"eta\":\"tomorrow\"}", "eta: 'tomorrow' is not an ISO"},
        new Object[] {"{\"name\":\"a\",\"maxRetries\":-1}", "maxRetries: maxRetries must be 0"},
        new Object[] {"{\"name\":\"a\",\"maxRetries\":1.5}", "maxRetries: must be a whole number"},
        new Object[] {"{\"name\":\"a\",\"maxRetries\":\"3\"}", "maxRetries: must be a whole"},
        new Object[] {"{\"name\":\"a\",\"timeLimit\":0}", "timeLimit: timeLimit must be more"},
        new Object[] {
          "{\"name\":\"a\",\"softTimeLimit\":\"10s\",\"timeLimit\":\"5s\"}",
          "softTimeLimit: softTimeLimit PT10S must be shorter"
        },
        new Object[] {"{\"name\":\"a\",\"resultTtl\":\"0s\"}", "resultTtl: resultTtl must be more"},
        new Object[] {"{\"name\":\"a\",\"resultTtl\":\"99999d\"}", "resultTtl: \"99999d\" is"},
        new Object[] {"{\"name\":\"a\",\"queue\":\"no spaces\"}", "queue: task queue"},
        new Object[] {"{\"name\":\"a\",\"queue\":\"\"}", "queue: must be a non-empty string"},
        new Object[] {"{\"name\":\"a\",\"priority\":12}", "priority: task priority 12 is not"},
        new Object[] {"{\"name\":\"a\",\"priority\":\"high\"}", "priority: must be a whole"},
        new Object[] {"{\"name\":\"a\",\"priority\":3}", "priority: task priority 3 needs a"},
        new Object[] {"{\"name\":\"a\",\"limitKey\":7}", "limitKey: must be a non-empty"});
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badBodies")
  void badBodiesAre400NamingTheField(String body, String detail) {
    assertThatThrownBy(() -> endpoints.submit(body))
        .isInstanceOfSatisfying(
            Problem.class,
            p -> {
              assertThat(p.status()).isEqualTo(400);
              assertThat(p.detail()).contains(detail);
            });
  }

  static List<Object[]> badQueries() {
    return List.of(
        new Object[] {"running", null, null, "state: 'running' is not a task state"},
        new Object[] {"active,", null, null, "state: '' is not"},
        new Object[] {null, " ", null, "name: give one task name"},
        new Object[] {null, null, "0", "limit: '0' is not a whole number between 1 and 1000"},
        new Object[] {null, null, "1001", "limit: '1001'"},
        new Object[] {null, null, "ten", "limit: 'ten'"});
  }

  static List<Object[]> badRanges() {
    return List.of(
        new Object[] {"yesterday", null, "since: 'yesterday' is neither an ISO-8601 instant"},
        new Object[] {null, "2026-13-01T00:00:00Z", "until: '2026-13-01T00:00:00Z' is neither"},
        new Object[] {"-5m", null, "since: '-5m' is neither"},
        new Object[] {" ", null, "since: give an ISO-8601 instant"},
        new Object[] {"2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", "is not before until"});
  }

  @ParameterizedTest(name = "since={0} until={1}")
  @MethodSource("badRanges")
  void badTimeRangesAre400NamingTheParameter(String since, String until, String detail) {
    assertThatThrownBy(() -> endpoints.list(null, null, since, until, null))
        .isInstanceOfSatisfying(
            Problem.class,
            p -> {
              assertThat(p.status()).isEqualTo(400);
              assertThat(p.detail()).contains(detail);
            });
  }

  @ParameterizedTest(name = "state={0} name={1} limit={2}")
  @MethodSource("badQueries")
  void badQueriesAre400NamingTheParameter(String state, String name, String limit, String detail) {
    assertThatThrownBy(() -> endpoints.list(state, name, limit))
        .isInstanceOfSatisfying(
            Problem.class,
            p -> {
              assertThat(p.status()).isEqualTo(400);
              assertThat(p.detail()).contains(detail);
            });
  }

  @Test
  void theTasksScopeIsRequired() {
    ApiKeys keys =
        ApiKeys.parse(List.of("worker k1 tasks", "reader k2 subscribe:#", "root k3 admin"), "test");

    TaskEndpoints.requireScope(keys.authenticate("Bearer k1").orElseThrow());
    TaskEndpoints.requireScope(keys.authenticate("Bearer k3").orElseThrow());
    TaskEndpoints.requireScope(ApiKeys.ANONYMOUS);
    assertThatThrownBy(
            () -> TaskEndpoints.requireScope(keys.authenticate("Bearer k2").orElseThrow()))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(403));
    assertThatThrownBy(() -> TaskEndpoints.requireScope(null))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(401));
  }
}
