package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerEndpointsTest {
  static Warren warren;
  static WarrenServer server;
  static Http http;
  static final List<Event> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    // why: a broker of this class's own, so the spy sees no other test class's events
    warren =
        Warren.create(
            WarrenOptions.builder()
                .source("test-server")
                .memoryBroker("server-endpoints-test")
                .build());
    warren.subscribe(Subscription.named("spy").pattern("#"), seen::add);
    long t0 = System.nanoTime();
    server =
        WarrenServer.start(ServerOptions.builder().port(0).maxEventBytes(4096).build(), warren);
    System.out.println("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    server.stop();
    warren.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JsonDataCodec.MAPPER.readTree(r.body());
  }

  @Test
  void structuredEventIsPublishedWithDefaults() throws Exception {
    var r =
        http.send(
            "POST",
            "/events",
            "application/cloudevents+json",
            "{\"specversion\":\"1.0\",\"type\":\"order.created\",\"data\":{\"id\":1},\"tenant\":\"a\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    String id = json(r).get("ids").get(0).asText();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> seen.stream().anyMatch(e -> e.id().equals(id)));
    Event e = seen.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    assertThat(e.source()).isEqualTo("test-server");
    assertThat(e.dataAsString()).isEqualTo("{\"id\":1}");
    assertThat(e.extension("tenant")).contains("a");
  }

  @Test
  void batchAndBinaryAndTyped() throws Exception {
    var batch =
        http.send(
            "POST",
            "/events",
            "application/cloudevents-batch+json",
            "[{\"specversion\":\"1.0\",\"type\":\"b.one\",\"id\":\"b1\",\"source\":\"/x\"},"
                + "{\"specversion\":\"1.0\",\"type\":\"b.two\",\"id\":\"b2\",\"time\":\"2024-01-01T00:00:00Z\"}]");
    assertThat(batch.statusCode()).isEqualTo(202);
    assertThat(json(batch).get("ids").toString()).isEqualTo("[\"b1\",\"b2\"]");
    var binary =
        http.send(
            "POST",
            "/events",
            "text/plain",
            "hello",
            "ce-specversion",
            "1.0",
            "ce-type",
            "bin.text",
            "ce-id",
            "bin-1",
            "ce-partitionkey",
            "k1");
    assertThat(binary.statusCode()).isEqualTo(202);
    var typed = http.send("POST", "/publish/typed.data", "application/json", "{\"n\":5}");
    assertThat(typed.statusCode()).isEqualTo(202);
    String typedId = json(typed).get("ids").get(0).asText();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                seen.stream()
                    .map(Event::id)
                    .toList()
                    .containsAll(List.of("b1", "b2", "bin-1", typedId)));
    Event bin = seen.stream().filter(x -> x.id().equals("bin-1")).findFirst().orElseThrow();
    assertThat(bin.dataAsString()).isEqualTo("hello");
    assertThat(bin.partitionKey()).contains("k1");
  }

  @Test
  void streamDeliversServerSentEvents() throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(http.base() + "/events/stream?pattern=sse.*"))
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    HttpResponse<java.io.InputStream> r =
        http.client().send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var in =
                      new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                      lines.add(line);
                    }
                  } catch (Exception ignored) {
                    // closed
                  }
                });
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> lines.stream().anyMatch(l -> l.startsWith(": subscribed")));
    warren.publish("sse.hello", java.util.Map.of("x", 1)).join();
    warren.publish("other.hello", java.util.Map.of("x", 2)).join();
    String data = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (data == null && System.nanoTime() < deadline) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith("data:")) {
        data = l.substring(5).strip();
      }
    }
    assertThat(data).isNotNull();
    JsonNode ev = JsonDataCodec.MAPPER.readTree(data);
    assertThat(ev.get("type").asText()).isEqualTo("sse.hello");
    assertThat(ev.get("data").get("x").asInt()).isEqualTo(1);
    r.body().close();
    reader.interrupt();
  }

  @Test
  void streamNegotiatesAcceptByTheRules() throws Exception {
    for (String accept :
        new String[] {
          null,
          "*/*",
          "text/*",
          "application/json, text/event-stream;q=0.5",
          "text/html;q=0.9, */*;q=0.1",
          "TEXT/EVENT-STREAM"
        }) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(http.base() + "/events/stream?pattern=negotiate.*"))
              .GET();
      if (accept != null) {
        b.header("Accept", accept);
      }
      HttpResponse<java.io.InputStream> r =
          http.client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try {
        assertThat(r.statusCode()).as("Accept: " + accept).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse(""))
            .startsWith("text/event-stream");
        http.validate("GET", "/events/stream?pattern=negotiate.*", r);
      } finally {
        r.body().close();
      }
    }
  }

  @Test
  void binaryModeValuesArePercentDecoded() throws Exception {
    var r =
        http.send(
            "POST",
            "/events",
            "text/plain",
            "hi",
            "ce-specversion",
            "1.0",
            "ce-type",
            "bin.decoded",
            "ce-id",
            "dec-1",
            "ce-source",
            "/a%20b",
            "ce-subject",
            "caf%C3%A9%20%25",
            "ce-tenant",
            "x%22y");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> seen.stream().anyMatch(e -> e.id().equals("dec-1")));
    Event e = seen.stream().filter(x -> x.id().equals("dec-1")).findFirst().orElseThrow();
    assertThat(e.source()).isEqualTo("/a b");
    assertThat(e.subject()).contains("café %");
    assertThat(e.extension("tenant")).contains("x\"y");
  }

  @Test
  void dataschemaAndTypedExtensionsSurviveEveryMode() throws Exception {
    assertThat(
            http.send(
                    "PUT", "/queues/schema-q", "application/json", "{\"bindings\":[\"schema.#\"]}")
                .statusCode())
        .isEqualTo(201);
    var structured =
        http.send(
            "POST",
            "/events",
            "application/cloudevents+json",
            "{\"specversion\":\"1.0\",\"type\":\"schema.one\",\"id\":\"s1\","
                + "\"dataschema\":\"https://example.com/one.json\",\"count\":5,\"flag\":true,"
                + "\"tenant\":\"a\",\"data\":{}}");
    assertThat(structured.statusCode()).as(structured.body()).isEqualTo(202);
    var batch =
        http.send(
            "POST",
            "/events",
            "application/cloudevents-batch+json",
            "[{\"specversion\":\"1.0\",\"type\":\"schema.two\",\"id\":\"s2\","
                + "\"dataschema\":\"https://example.com/two.json\"}]");
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
    var binary =
        http.send(
            "POST",
            "/events",
            "application/json",
            "{}",
            "ce-specversion",
            "1.0",
            "ce-type",
            "schema.three",
            "ce-id",
            "s3",
            "ce-dataschema",
            "https://example.com/three.json");
    assertThat(binary.statusCode()).as(binary.body()).isEqualTo(202);
    JsonNode messages = json(http.get("/queues/schema-q/messages?limit=10")).get("messages");
    java.util.Map<String, JsonNode> byId = new java.util.HashMap<>();
    messages.forEach(m -> byId.put(m.get("id").asText(), m));
    assertThat(byId.get("s1").get("dataschema").asText()).isEqualTo("https://example.com/one.json");
    assertThat(byId.get("s1").get("count").isInt()).as(byId.get("s1").toString()).isTrue();
    assertThat(byId.get("s1").get("count").asInt()).isEqualTo(5);
    assertThat(byId.get("s1").get("flag").isBoolean()).as(byId.get("s1").toString()).isTrue();
    assertThat(byId.get("s1").get("tenant").asText()).isEqualTo("a");
    assertThat(byId.get("s2").get("dataschema").asText()).isEqualTo("https://example.com/two.json");
    assertThat(byId.get("s3").get("dataschema").asText())
        .isEqualTo("https://example.com/three.json");
    http.send("DELETE", "/queues/schema-q", null, null);
  }

  @Test
  void theOldPublishPathIsADeprecatedAliasForDottedTypesOnly() throws Exception {
    // why: raw, since the alias is not in the document (its template would be /events/{id}'s)
    var r = http.raw("POST", "/events/legacy.alias", "application/json", "{\"n\":1}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("Deprecation")).contains("true");
    assertThat(r.headers().firstValue("Link").orElse("")).contains("</publish/legacy.alias>");
    String id = json(r).get("ids").get(0).asText();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> seen.stream().anyMatch(e -> e.id().equals(id)));
    for (String readPath : new String[] {"/events/stream", "/events/0", "/events/some-id"}) {
      var refused = http.send("POST", readPath, "application/json", "{}");
      assertThat(refused.statusCode()).as(readPath).isEqualTo(405);
      assertThat(refused.headers().firstValue("Allow")).as(readPath).contains("GET");
    }
    assertThat(seen).noneMatch(e -> e.type().equals("stream") || e.type().equals("0"));
  }

  @Test
  void openApiWithoutKeysDeclaresNoSecurityAndEvery2xxItsBody() throws Exception {
    JsonNode doc = json(http.get("/openapi.json"));
    assertThat(doc.has("security")).isFalse();
    assertThat(doc.get("components").has("securitySchemes")).isFalse();
    int operations = 0;
    for (var path : doc.get("paths").properties()) {
      for (var op : path.getValue().properties()) {
        operations++;
        String what = op.getKey() + " " + path.getKey();
        assertThat(op.getValue().has("security")).as(what).isFalse();
        for (var response : op.getValue().get("responses").properties()) {
          assertThat(response.getKey()).as(what).isNotIn("401", "403", "429").doesNotEndWith("XX");
          if (response.getKey().startsWith("2") && !response.getKey().equals("204")) {
            JsonNode content = response.getValue().get("content");
            assertThat(content)
                .as(what + " " + response.getKey() + " declares its body")
                .isNotNull();
            content.forEach(
                media -> assertThat(media.get("schema")).as(what + " schema").isNotNull());
          }
        }
      }
    }
    assertThat(operations).isEqualTo(server.routes().size());
  }

  @Test
  void health() throws Exception {
    var live = http.get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(json(live).get("status").asText()).isEqualTo("Healthy");
    var ready = http.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("checks").get(0).get("name").asText()).isEqualTo("memory");
  }

  @Test
  void metrics() {
    http.send("POST", "/publish/metric.test", "application/json", "1");
    var r = http.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("http_server_requests")
        .contains("warren_events_published_total{type=\"metric.test\"}")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void metricsKeepEventTypesBounded() {
    // why: a server of its own, so the types it counts as "other" are not the other tests' types
    WarrenServer own = WarrenServer.start(ServerOptions.builder().port(0).build(), warren);
    try {
      Http client = new Http(own.port());
      for (int i = 0; i < 210; i++) {
        client.send("POST", "/publish/cardinality.t" + i, "application/json", "1");
      }
      String body = client.get("/metrics").body();
      long series =
          body.lines().filter(l -> l.startsWith("warren_events_published_total{")).count();
      assertThat(series).isLessThanOrEqualTo(201);
      assertThat(body).contains("warren_events_published_total{type=\"other\"} 10.0");
    } finally {
      own.stop();
    }
  }

  @Test
  void queueLifecycle() throws Exception {
    var put =
        http.send(
            "PUT",
            "/queues/audit-q",
            "application/json",
            "{\"bindings\":[\"audit.#\"],\"ttl\":60000,\"maxLength\":100}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(json(put).get("arguments").get("x-max-length").asLong()).isEqualTo(100);
    http.send("POST", "/publish/audit.one", "application/json", "{\"a\":1}");
    var sent =
        http.send(
            "POST",
            "/queues/audit-q/messages",
            "application/cloudevents+json",
            "{\"specversion\":\"1.0\",\"type\":\"direct.msg\",\"id\":\"d1\"}");
    assertThat(sent.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> json(http.get("/queues/audit-q")).get("messages").asLong() == 2);
    var list = http.get("/queues");
    assertThat(list.body()).contains("audit-q");
    var peek = http.get("/queues/audit-q/messages?limit=5");
    assertThat(json(peek).get("messages")).hasSize(2);
    assertThat(json(peek).get("messages").get(1).get("id").asText()).isEqualTo("d1");
    assertThat(json(http.get("/queues/audit-q")).get("messages").asLong()).isEqualTo(2);
    var purge = http.send("DELETE", "/queues/audit-q/messages", null, null);
    assertThat(json(purge).get("purged").asLong()).isEqualTo(2);
    assertThat(http.send("DELETE", "/queues/audit-q", null, null).statusCode()).isEqualTo(204);
    assertThat(http.get("/queues/audit-q").statusCode()).isEqualTo(404);
  }

  @Test
  void subscriptionsAndDeadLetters() throws Exception {
    warren.subscribe(
        Subscription.named("failing").pattern("fail.*").retry(RetryPolicy.none()),
        e -> {
          throw new IllegalStateException("boom " + e.id());
        });
    assertThat(http.get("/subscriptions").body()).contains("\"failing\"").contains("\"spy\"");
    warren.publish(Event.builder("fail.one").id("f1").build()).join();
    warren.publish(Event.builder("fail.two").id("f2").build()).join();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> json(http.get("/subscriptions/failing/dead-letters")).get("count").asLong() == 2);
    var peek = json(http.get("/subscriptions/failing/dead-letters?limit=1"));
    assertThat(peek.get("deadLetters")).hasSize(1);
    assertThat(peek.get("deadLetters").get(0).get("errorMessage").asText()).contains("boom");
    var replay =
        http.send(
            "POST",
            "/subscriptions/failing/dead-letters/replay",
            "application/json",
            "{\"ids\":[\"f1\"]}");
    assertThat(json(replay).get("replayed").asLong()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> json(http.get("/subscriptions/failing/dead-letters")).get("count").asLong() == 2);
    var purge = http.send("DELETE", "/subscriptions/failing/dead-letters", null, null);
    assertThat(json(purge).get("purged").asLong()).isEqualTo(2);
    assertThat(http.send("POST", "/subscriptions/failing/dead-letters/replay", null, null).body())
        .contains("\"replayed\":0");
  }

  @Test
  void openApiDescribesEveryRoute() throws Exception {
    var r = http.get("/openapi.json");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode doc = json(r);
    assertThat(doc.get("openapi").asText()).startsWith("3.0");
    assertThat(server.routes()).hasSizeGreaterThan(15);
    for (WarrenServer.Route route : server.routes()) {
      JsonNode path = doc.get("paths").get(route.path());
      assertThat(path).as("path " + route.path()).isNotNull();
      assertThat(path.get(route.method().toLowerCase(java.util.Locale.ROOT)))
          .as(route.method() + " " + route.path())
          .isNotNull();
    }
    long documented =
        Stream.of(doc.get("paths"))
            .flatMap(p -> p.properties().stream())
            .mapToLong(e -> e.getValue().size())
            .sum();
    assertThat(documented).isEqualTo(server.routes().size());
  }
}
