package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API keys: every scope allowed and denied on every endpoint family, 401 without a valid key, open
 * health and OpenAPI, rate limits, the audit log, and the refusal to serve a public address without
 * keys.
 */
class AuthTest {
  static final String KEYS =
      """
      # name   key                scopes                      [rate]
      admin    admin-secret       admin
      orders   orders-secret      publish:order.*
      reader   sha256:%s          subscribe:order.#
      worker   worker-secret      tasks
      limited  limited-secret     publish:#                   rate=3/m
      """
          .formatted(HexFormat.of().formatHex(ApiKeys.sha256("reader-secret")));

  @TempDir static Path dir;
  static Warren warren;
  static WarrenServer server;
  static Http http;
  static final List<Event> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Path keys = Files.writeString(dir.resolve("keys"), KEYS);
    // why: a broker of this class's own, so the spy sees no other test class's events
    warren = Warren.create(WarrenOptions.builder().memoryBroker("server-auth-test").build());
    warren.subscribe(Subscription.named("spy").pattern("#"), seen::add);
    server = WarrenServer.start(ServerOptions.builder().port(0).apiKeysFile(keys).build(), warren);
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() {
    server.stop();
    warren.close();
  }

  @org.junit.jupiter.api.Test
  void openApiWithKeysDeclaresTheBearerScheme() throws Exception {
    var doc = ServerEndpointsTest.json(http.get("/openapi.json"));
    assertThat(doc.get("security").toString()).contains("bearer");
    assertThat(doc.get("components").get("securitySchemes").has("bearer")).isTrue();
    assertThat(doc.get("paths").get("/queues").get("get").get("responses").has("401")).isTrue();
    assertThat(doc.get("paths").get("/health/ready").get("get").get("security")).isEmpty();
  }

  /** One request of an endpoint family. */
  enum Call {
    PUBLISH("POST", "/publish/order.created", "application/json", "{}"),
    PUBLISH_STRUCTURED(
        "POST",
        "/events",
        "application/cloudevents+json",
        "{\"specversion\":\"1.0\",\"type\":\"order.created\"}"),
    PUBLISH_OTHER_TYPE("POST", "/publish/user.created", "application/json", "{}"),
    STREAM("GET", "/events/stream?pattern=order.%23", null, null),
    STREAM_OTHER_PATTERN("GET", "/events/stream?pattern=user.%23", null, null),
    QUEUES("GET", "/queues", null, null),
    SUBSCRIPTIONS("GET", "/subscriptions", null, null),
    DEAD_LETTERS("GET", "/subscriptions/spy/dead-letters", null, null),
    METRICS("GET", "/metrics", null, null),
    OPENAPI("GET", "/openapi.json", null, null),
    LIVE("GET", "/health/live", null, null),
    READY("GET", "/health/ready", null, null);

    final String method;
    final String path;
    final String contentType;
    final String body;

    Call(String method, String path, String contentType, String body) {
      this.method = method;
      this.path = path;
      this.contentType = contentType;
      this.body = body;
    }

    boolean isOpen() {
      return this == OPENAPI || this == LIVE || this == READY;
    }

    int successStatus() {
      return method.equals("POST") ? 202 : 200;
    }
  }

  record Case(String key, Call call, int status) {
    @Override
    public String toString() {
      return (key == null ? "no key" : key) + " " + call + " -> " + status;
    }
  }

  static Stream<Case> matrix() {
    List<Case> cases = new ArrayList<>();
    for (Call call : Call.values()) {
      int ok = call.successStatus();
      int authenticated = call.isOpen() ? ok : 401;
      int deniedUnlessAdmin = call.isOpen() ? ok : 403;
      cases.add(new Case(null, call, authenticated));
      cases.add(new Case("not-a-key", call, authenticated));
      cases.add(new Case("admin-secret", call, ok));
      cases.add(
          new Case(
              "orders-secret",
              call,
              call == Call.PUBLISH || call == Call.PUBLISH_STRUCTURED ? ok : deniedUnlessAdmin));
      cases.add(new Case("reader-secret", call, call == Call.STREAM ? ok : deniedUnlessAdmin));
      cases.add(new Case("worker-secret", call, deniedUnlessAdmin));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("matrix")
  void scopesAllowAndDeny(Case c) throws Exception {
    int before = seen.size();
    var r = send(c.call(), c.key() == null ? null : "Bearer " + c.key());
    assertThat(r.status()).as(c + ": " + r.body()).isEqualTo(c.status());
    if (c.status() >= 400) {
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.body()).contains("\"status\":" + c.status());
    }
    if (c.status() == 401) {
      assertThat(r.wwwAuthenticate()).isEqualTo("Bearer");
    }
    if (c.status() == 403 && c.call().method.equals("POST")) {
      Thread.sleep(50);
      // why: by source (the key's name), not by count: an event that an earlier case published
      // may still be on its way to the spy on a loaded machine
      String name = c.key().substring(0, c.key().indexOf('-'));
      List<Event> now = List.copyOf(seen);
      assertThat(now.subList(before, now.size()))
          .as("events published by a denied request")
          .noneMatch(e -> name.equals(e.source()));
    }
  }

  @Test
  void otherSchemesThanBearerAreUnauthorized() throws Exception {
    assertThat(send(Call.QUEUES, "Basic YWRtaW46YWRtaW4tc2VjcmV0").status()).isEqualTo(401);
    assertThat(send(Call.QUEUES, "admin-secret").status()).isEqualTo(401);
    assertThat(send(Call.QUEUES, "bearer admin-secret").status()).isEqualTo(200);
  }

  @Test
  void aBatchWithOneTypeOutsideTheScopeIsDeniedWhole() throws Exception {
    int before = seen.size();
    var r =
        http.send(
            "POST",
            "/events",
            "application/cloudevents-batch+json",
            "[{\"specversion\":\"1.0\",\"type\":\"order.created\"},"
                + "{\"specversion\":\"1.0\",\"type\":\"user.created\"}]",
            "Authorization",
            "Bearer orders-secret");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("'user.created'").contains("'orders'");
    Thread.sleep(100);
    assertThat(seen).hasSize(before);
  }

  @Test
  void theKeyNameIsTheDefaultSource() throws Exception {
    var r =
        http.send(
            "POST",
            "/publish/order.sourced",
            "application/json",
            "{}",
            "Authorization",
            "Bearer orders-secret");
    assertThat(r.statusCode()).isEqualTo(202);
    String id = ServerEndpointsTest.json(r).get("ids").get(0).asText();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> seen.stream().anyMatch(e -> e.id().equals(id)));
    assertThat(seen.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow().source())
        .isEqualTo("orders");
  }

  @Test
  void aKeyOverItsRateIsAnsweredTooManyRequests() throws Exception {
    for (int i = 0; i < 3; i++) {
      var r =
          http.send(
              "POST",
              "/publish/rate.test",
              "application/json",
              "{}",
              "Authorization",
              "Bearer limited-secret");
      assertThat(r.statusCode()).as("request " + i + ": " + r.body()).isEqualTo(202);
    }
    var over =
        http.send(
            "POST",
            "/publish/rate.test",
            "application/json",
            "{}",
            "Authorization",
            "Bearer limited-secret");
    assertThat(over.statusCode()).isEqualTo(429);
    assertThat(over.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    long retryAfter = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 20L);
    assertThat(over.body()).contains("'limited'").contains("rate limit");
    // why: the limit is the key's alone; other keys and the open routes are not counted
    assertThat(send(Call.PUBLISH, "Bearer orders-secret").status()).isEqualTo(202);
    assertThat(send(Call.LIVE, "Bearer limited-secret").status()).isEqualTo(200);
  }

  @Test
  void tokenBucketRefillsAtItsRate() {
    AtomicLong now = new AtomicLong();
    TokenBucket bucket = new TokenBucket(2, TimeUnit.SECONDS.toNanos(1), now::get);
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(bucket.tryTake()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(bucket.tryTake()).isZero();
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isZero();
    assertThat(bucket.tryTake()).isPositive();
  }

  @Test
  void purgeDeleteAndReplayAreAudited() throws Exception {
    String admin = "Bearer admin-secret";
    assertThat(
            http.send("PUT", "/queues/audited", "application/json", "{}", "Authorization", admin)
                .statusCode())
        .isEqualTo(201);
    String log =
        captureStandardError(
            () -> {
              assertThat(
                      http.send(
                              "DELETE",
                              "/queues/audited/messages",
                              null,
                              null,
                              "Authorization",
                              "Bearer orders-secret")
                          .statusCode())
                  .isEqualTo(403);
              assertThat(
                      http.send(
                              "DELETE",
                              "/queues/audited/messages",
                              null,
                              null,
                              "Authorization",
                              admin)
                          .statusCode())
                  .isEqualTo(200);
              assertThat(
                      http.send(
                              "POST",
                              "/subscriptions/spy/dead-letters/replay",
                              null,
                              null,
                              "Authorization",
                              admin)
                          .statusCode())
                  .isEqualTo(200);
              assertThat(
                      http.send(
                              "DELETE",
                              "/subscriptions/spy/dead-letters",
                              null,
                              null,
                              "Authorization",
                              admin)
                          .statusCode())
                  .isEqualTo(200);
              assertThat(
                      http.send("DELETE", "/queues/audited", null, null, "Authorization", admin)
                          .statusCode())
                  .isEqualTo(204);
            });
    assertThat(log.lines().filter(l -> l.contains("dev.warren.audit")).toList())
        .hasSize(4)
        .anySatisfy(l -> assertThat(l).contains("key=admin action=queue.purge target=audited"))
        .anySatisfy(l -> assertThat(l).contains("key=admin action=dead-letters.replay target=spy"))
        .anySatisfy(l -> assertThat(l).contains("key=admin action=dead-letters.purge target=spy"))
        .anySatisfy(l -> assertThat(l).contains("key=admin action=queue.delete target=audited"));
  }

  @Test
  void refusesAPublicAddressWithoutKeys() {
    try (Warren open = Warren.create(WarrenOptions.builder().build())) {
      ServerOptions everywhere = ServerOptions.builder().host("0.0.0.0").port(0).build();
      assertThat(everywhere.isLoopback()).isFalse();
      assertThatThrownBy(() -> WarrenServer.start(everywhere, open))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("refusing to serve on 0.0.0.0 without API keys")
          .hasMessageContaining("--insecure");
    }
  }

  @Test
  void keysFileAcceptsEveryScopeAndRejectsWhatItDoesNotKnow() {
    ApiKeys keys =
        ApiKeys.parse(
            List.of(
                "# comment",
                "",
                "a k1 publish:order.*,subscribe:#,tasks,admin",
                "b sha256:" + "ab".repeat(32) + " tasks rate=5/s"),
            "keys");
    assertThat(keys.size()).isEqualTo(2);
    assertThat(keys.authenticate("Bearer k1").orElseThrow().scopes())
        .extracting(ApiKeys.Scope::kind)
        .containsExactly("publish", "subscribe", "tasks", "admin");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a k1 publish"), "keys"))
        .hasMessageContaining("keys line 1")
        .hasMessageContaining("needs a pattern");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("", "a k1 root"), "keys"))
        .hasMessageContaining("keys line 2")
        .hasMessageContaining("unknown scope 'root'");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a k1 tasks rate=fast"), "keys"))
        .hasMessageContaining("invalid rate 'rate=fast'");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a sha256:xyz tasks"), "keys"))
        .hasMessageContaining("not hexadecimal");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a k1 tasks rate=1/s extra"), "keys"))
        .hasMessageContaining("got 5 fields");
  }

  // --- helpers

  record Reply(int status, String contentType, String wwwAuthenticate, String body) {}

  /** Sends without reading a stream's body: an event stream is opened, checked and closed. */
  static Reply send(Call call, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(http.base() + call.path))
            .timeout(Duration.ofSeconds(10))
            .method(
                call.method,
                call.body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(call.body));
    if (call.contentType != null) {
      b.header("Content-Type", call.contentType);
    }
    if (call == Call.STREAM || call == Call.STREAM_OTHER_PATTERN) {
      b.header("Accept", "text/event-stream");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<InputStream> r =
        http.client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    String type = r.headers().firstValue("Content-Type").orElse("");
    String body;
    try (InputStream in = r.body()) {
      body =
          type.startsWith("text/event-stream")
              ? ""
              : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return new Reply(
        r.statusCode(), type, r.headers().firstValue("WWW-Authenticate").orElse(null), body);
  }

  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /** slf4j-simple writes to whatever {@code System.err} is at the time of the call. */
  static String captureStandardError(Action action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee =
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                captured.write(b);
                original.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
