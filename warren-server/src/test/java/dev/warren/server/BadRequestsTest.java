package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad requests: each a 4xx problem naming what was wrong, and nothing published. */
class BadRequestsTest {
  static Warren warren;
  static WarrenServer server;
  static Http http;
  static final List<Event> seen = new CopyOnWriteArrayList<>();

  record Bad(
      int status,
      String method,
      String path,
      String type,
      String body,
      String detail,
      String... headers) {
    @Override
    public String toString() {
      return status
          + " "
          + method
          + " "
          + path
          + " "
          + (body == null ? "" : body.length() > 40 ? body.substring(0, 40) : body);
    }
  }

  static final String CE = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";
  static final String JSON = "application/json";
  static final String LONG = "a".repeat(256);

  static Stream<Bad> cases() {
    return Stream.of(
        new Bad(400, "POST", "/events", CE, "{", "malformed JSON"),
        new Bad(400, "POST", "/events", CE, "", "empty"),
        new Bad(400, "POST", "/events", CE, "[]", "ARRAY"),
        new Bad(400, "POST", "/events", CE, "42", "NUMBER"),
        new Bad(400, "POST", "/events", CE, "{\"type\":\"a.b\"}", "'specversion'"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"1.0\"}", "'type'"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"0.3\",\"type\":\"a.b\"}", "'0.3'"),
        new Bad(
            400, "POST", "/events", CE, "{\"specversion\":1.0,\"type\":\"a.b\"}", "'specversion'"),
        new Bad(
            400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":\"\"}", "it is empty"),
        new Bad(
            400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":\"a..b\"}", "'a..b'"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":\".a\"}", "'.a'"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":\"a.\"}", "'a.'"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":\"a.*\"}", "'a.*'"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":\"a.#\"}", "'a.#'"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":\"a b\"}", "'a b'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"" + LONG + "\"}",
            "255 bytes"),
        new Bad(400, "POST", "/events", CE, "{\"specversion\":\"1.0\",\"type\":7}", "'type'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"id\":\"\"}",
            "'id'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"id\":5}",
            "'id'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"source\":\" \"}",
            "'source'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"time\":\"yesterday\"}",
            "'yesterday'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"time\":\"2024-13-01T00:00:00Z\"}",
            "2024-13-01"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"data\":1,\"data_base64\":\"AA==\"}",
            "data_base64"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"data_base64\":\"!!!\"}",
            "'!!!'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"data_base64\":5}",
            "data_base64"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"Bad-Ext\":\"x\"}",
            "'Bad-Ext'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"waytoolongextensionname\":\"x\"}",
            "waytoolongextensionname"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"ext\":{\"x\":1}}",
            "'ext'"),
        new Bad(
            400,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"subject\":[1]}",
            "'subject'"),
        new Bad(400, "POST", "/events", BATCH, "{}", "JSON array"),
        new Bad(400, "POST", "/events", BATCH, "[]", "empty"),
        new Bad(
            400,
            "POST",
            "/events",
            BATCH,
            "[{\"specversion\":\"1.0\",\"type\":\"ok.one\"},{\"specversion\":\"1.0\"}]",
            "batch event 1"),
        new Bad(
            400,
            "POST",
            "/events",
            BATCH,
            "[{\"specversion\":\"1.0\",\"type\":\"ok.one\"},{\"specversion\":\"1.0\",\"type\":\"x..y\"}]",
            "'x..y'"),
        new Bad(
            400,
            "POST",
            "/events",
            BATCH,
            "[{\"specversion\":\"1.0\",\"type\":\"ok.one\"}, 3]",
            "batch event 1"),
        new Bad(
            400,
            "POST",
            "/events",
            BATCH,
            "[{\"specversion\":\"1.0\",\"type\":\"ok.one\"}",
            "malformed JSON"),
        new Bad(400, "POST", "/events", "text/plain", "x", "'ce-specversion'", "ce-type", "a.b"),
        new Bad(400, "POST", "/events", "text/plain", "x", "'ce-type'", "ce-specversion", "1.0"),
        new Bad(
            400,
            "POST",
            "/events",
            "text/plain",
            "x",
            "'2.0'",
            "ce-specversion",
            "2.0",
            "ce-type",
            "a.b"),
        new Bad(
            400,
            "POST",
            "/events",
            "text/plain",
            "x",
            "'a.*.b'",
            "ce-specversion",
            "1.0",
            "ce-type",
            "a.*.b"),
        new Bad(
            400,
            "POST",
            "/events",
            "text/plain",
            "x",
            "'noon'",
            "ce-specversion",
            "1.0",
            "ce-type",
            "a.b",
            "ce-time",
            "noon"),
        new Bad(
            400,
            "POST",
            "/events",
            "text/plain",
            "x",
            "'ce-id'",
            "ce-specversion",
            "1.0",
            "ce-type",
            "a.b",
            "ce-id",
            " "),
        new Bad(415, "POST", "/events", "text/plain", "hello", "'text/plain'"),
        new Bad(415, "POST", "/events", JSON, "{}", "'application/json'"),
        new Bad(
            415,
            "POST",
            "/events",
            "application/cloudevents+xml",
            "<x/>",
            "'application/cloudevents+xml'"),
        new Bad(
            413,
            "POST",
            "/events",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\",\"data\":\"" + "x".repeat(5000) + "\"}",
            "4096 bytes"),
        new Bad(
            413,
            "POST",
            "/publish/big.one",
            JSON,
            "\"" + "x".repeat(5000) + "\"",
            "WARREN_MAX_EVENT_BYTES"),
        new Bad(400, "POST", "/publish/a..b", JSON, "{}", "'a..b'"),
        new Bad(400, "POST", "/publish/a.*", JSON, "{}", "'a.*'"),
        new Bad(400, "POST", "/publish/%23", JSON, "{}", "'#'"),
        new Bad(400, "POST", "/publish/" + LONG, JSON, "{}", "255 bytes"),
        new Bad(400, "POST", "/publish/a.b", JSON, "{not json", "malformed JSON"),
        new Bad(415, "POST", "/publish/a.b", "text/plain", "hi", "'text/plain'"),
        new Bad(
            400, "GET", "/events/stream", null, null, "'pattern'", "Accept", "text/event-stream"),
        new Bad(
            400,
            "GET",
            "/events/stream?pattern=a..b",
            null,
            null,
            "'a..b'",
            "Accept",
            "text/event-stream"),
        new Bad(
            400,
            "GET",
            "/events/stream?pattern=a.b%23",
            null,
            null,
            "'a.b#'",
            "Accept",
            "text/event-stream"),
        new Bad(
            406,
            "GET",
            "/events/stream?pattern=a.b",
            null,
            null,
            "text/event-stream",
            "Accept",
            "application/json"),
        new Bad(
            406,
            "GET",
            "/events/stream?pattern=a.b",
            null,
            null,
            "text/event-stream",
            "Accept",
            "text/event-stream;q=0, */*;q=0.5"),
        new Bad(405, "POST", "/events/stream", JSON, "{}", "read path"),
        new Bad(405, "POST", "/events/0", JSON, "{}", "read path"),
        new Bad(405, "PUT", "/events/stream", JSON, "{}", "not allowed"),
        new Bad(405, "PATCH", "/queues/q1", JSON, "{}", "not allowed"),
        new Bad(405, "GET", "/publish/a.b", null, null, "use POST"),
        new Bad(
            400,
            "POST",
            "/events",
            "text/plain",
            "x",
            "'ce-subject'",
            "ce-specversion",
            "1.0",
            "ce-type",
            "a.b",
            "ce-subject",
            "50%zz"),
        new Bad(
            400,
            "POST",
            "/events",
            "text/plain",
            "x",
            "not UTF-8",
            "ce-specversion",
            "1.0",
            "ce-type",
            "a.b",
            "ce-subject",
            "%C3%28"),
        new Bad(404, "GET", "/queues/nope", null, null, "'nope'"),
        new Bad(404, "DELETE", "/queues/nope", null, null, "'nope'"),
        new Bad(404, "DELETE", "/queues/nope/messages", null, null, "'nope'"),
        new Bad(404, "GET", "/queues/nope/messages", null, null, "'nope'"),
        new Bad(
            404,
            "POST",
            "/queues/nope/messages",
            CE,
            "{\"specversion\":\"1.0\",\"type\":\"a.b\"}",
            "'nope'"),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"ttl\":-5}", "-5"),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"ttl\":\"soon\"}", "soon"),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"maxLength\":0}", "'maxLength'"),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"durable\":\"yes\"}", "\"yes\""),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"bindings\":[\"a..b\"]}", "'a..b'"),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"bindings\":\"a.b\"}", "'bindings'"),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"colour\":\"red\"}", "'colour'"),
        new Bad(400, "PUT", "/queues/q1", JSON, "[1]", "ARRAY"),
        new Bad(400, "PUT", "/queues/amq.x", JSON, "{}", "'amq.x'"),
        new Bad(400, "PUT", "/queues/q1", JSON, "{\"deadLetter\":7}", "7"),
        new Bad(404, "GET", "/subscriptions/ghost/dead-letters", null, null, "'ghost'"),
        new Bad(404, "POST", "/subscriptions/ghost/dead-letters/replay", null, null, "'ghost'"),
        new Bad(404, "DELETE", "/subscriptions/ghost/dead-letters", null, null, "'ghost'"),
        new Bad(400, "GET", "/subscriptions/bad%20name/dead-letters", null, null, "'bad name'"),
        new Bad(400, "GET", "/subscriptions/spy/dead-letters?limit=0", null, null, "'0'"),
        new Bad(400, "GET", "/subscriptions/spy/dead-letters?limit=lots", null, null, "'lots'"),
        new Bad(
            400,
            "POST",
            "/subscriptions/spy/dead-letters/replay",
            JSON,
            "{\"ids\":\"x\"}",
            "\"ids\""),
        new Bad(400, "POST", "/subscriptions/spy/dead-letters/replay", JSON, "{\"ids\":[1]}", "1"),
        new Bad(404, "GET", "/no/such/route", null, null, "/no/such/route"));
  }

  @BeforeAll
  static void start() {
    // why: a broker of this class's own, so the spy sees no other test class's events
    warren =
        Warren.create(WarrenOptions.builder().memoryBroker("server-bad-requests-test").build());
    warren.subscribe(Subscription.named("spy").pattern("#"), seen::add);
    server =
        WarrenServer.start(ServerOptions.builder().port(0).maxEventBytes(4096).build(), warren);
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    Thread.sleep(200);
    assertThat(seen).as("events published by rejected requests").isEmpty();
    server.stop();
    warren.close();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void isRejected(Bad bad) throws Exception {
    var r = http.send(bad.method(), bad.path(), bad.type(), bad.body(), bad.headers());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(bad.status());
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    var problem = ServerEndpointsTest.json(r);
    assertThat(problem.get("status").asInt()).isEqualTo(bad.status());
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("type").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).contains(bad.detail());
    assertThat(seen).isEmpty();
  }
}
