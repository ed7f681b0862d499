package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated requests against every operation of {@code /openapi.json}, with valid and invalid path
 * parameters, query parameters, bodies, content types, {@code Accept} and {@code ce-*} headers,
 * keys, and methods the document does not list: every answer must be one the document declares
 * (status, headers, content type, body schema; checked by {@link Http}), never a 5xx but a declared
 * 503, and a method a path does not list must answer 405 with {@code Allow}. Runs on a server
 * without keys and on one with keys. The statuses seen are printed at the end.
 */
class OpenApiConformanceTest {
  static final String KEYS =
      """
      admin    admin-secret    admin
      orders   orders-secret   publish:order.*,subscribe:order.#
      worker   worker-secret   tasks
      limited  limited-secret  publish:# rate=5/s
      """;

  static Warren warren;
  static WarrenServer open;
  static WarrenServer keyed;
  static Http openHttp;
  static Http keyedHttp;
  static Path keysFile;
  static String eventId;
  static String taskId;
  static final Map<String, AtomicLong> STATUSES = new ConcurrentHashMap<>();
  static final AtomicLong SENT = new AtomicLong();
  static final Map<String, Set<Integer>> BY_OPERATION = new ConcurrentHashMap<>();

  /** A request to send. */
  record Req(
      String operation,
      String method,
      String path,
      String contentType,
      String body,
      List<String> headers) {
    @Override
    public String toString() {
      return method
          + " "
          + path
          + " ["
          + contentType
          + "] "
          + headers
          + " "
          + (body == null ? "" : body.length() > 120 ? body.substring(0, 120) + "..." : body);
    }
  }

  /** One documented operation. */
  record Operation(String method, String template, JsonNode spec) {}

  @BeforeContainer
  static void start() throws Exception {
    warren =
        Warren.create(
            WarrenOptions.builder()
                .source("conformance")
                .memoryBroker("server-openapi-test")
                .build());
    warren.subscribe(
        Subscription.named("conf-sub").pattern("conf.#").retry(RetryPolicy.none()),
        e -> {
          throw new IllegalStateException("refused " + e.id());
        });
    eventId = warren.publish(Event.builder("conf.seed").build()).join().id();
    taskId =
        warren
            .tasks()
            .submit("conf.task", Map.of("n", 1), dev.warren.tasks.TaskOptions.defaults())
            .id();
    keysFile = Files.createTempFile("warren-conformance", ".keys");
    Files.writeString(keysFile, KEYS);
    open = WarrenServer.start(ServerOptions.builder().port(0).maxEventBytes(8192).build(), warren);
    keyed =
        WarrenServer.start(
            ServerOptions.builder().port(0).maxEventBytes(8192).apiKeysFile(keysFile).build(),
            warren);
    openHttp = new Http(open.port());
    keyedHttp = new Http(keyed.port());
    Http seed = new Http(open.port());
    seed.send("PUT", "/queues/conf-q", "application/json", "{\"bindings\":[\"conf.#\"]}");
  }

  @AfterContainer
  static void stop() throws Exception {
    Map<String, Long> statuses = new TreeMap<>();
    STATUSES.forEach((k, v) -> statuses.put(k, v.get()));
    System.out.println(
        "OpenApiConformanceTest: "
            + SENT.get()
            + " generated requests, answers validated by the document: "
            + Http.VALIDATED.get()
            + ", statuses "
            + statuses);
    new TreeMap<>(BY_OPERATION).forEach((op, seen) -> System.out.println("  " + op + ": " + seen));
    for (WarrenServer s : new WarrenServer[] {open, keyed}) {
      if (s != null) {
        s.stop();
      }
    }
    if (warren != null) {
      warren.close();
    }
    if (keysFile != null) {
      Files.deleteIfExists(keysFile);
    }
    if (SENT.get() >= 1000) { // why: not when a single property was run alone
      for (Operation op : operations()) {
        String key = op.method() + " " + op.template();
        assertThat(BY_OPERATION).as("requests of " + key).containsKey(key);
      }
    }
  }

  /**
   * One valid request of every operation, in an order that makes each succeed: the 2xx answers of
   * the document are checked deterministically, beside the generated ones.
   */
  @Example
  void everyOperationSucceedsOnceAsDocumented() throws Exception {
    Http http = openHttp;
    String ce = "application/cloudevents+json";
    String json = "application/json";
    java.util.Set<String> done = new java.util.TreeSet<>();
    java.util.function.BiConsumer<String, HttpResponse<String>> ok =
        (op, r) -> {
          assertThat(r.statusCode()).as(op + ": " + r.body()).isBetween(200, 299);
          done.add(op);
        };
    ok.accept("GET /health/live", http.get("/health/live"));
    ok.accept("GET /health/ready", http.get("/health/ready"));
    ok.accept("GET /openapi.json", http.get("/openapi.json"));
    ok.accept("GET /metrics", http.get("/metrics"));
    ok.accept("GET /console/session", http.get("/console/session"));
    ok.accept(
        "POST /events",
        http.send("POST", "/events", ce, "{\"specversion\":\"1.0\",\"type\":\"conf.fixed\"}"));
    ok.accept("POST /publish/{type}", http.send("POST", "/publish/conf.fixed", json, "{\"n\":1}"));
    HttpResponse<java.io.InputStream> stream =
        http.client()
            .send(
                HttpRequest.newBuilder(URI.create(http.base() + "/events/stream?pattern=conf.%23"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    try {
      assertThat(stream.statusCode()).isEqualTo(200);
      http.validate("GET", "/events/stream?pattern=conf.%23", stream);
      done.add("GET /events/stream");
    } finally {
      stream.body().close();
    }
    HttpResponse<String> event = http.get("/events/" + eventId);
    ok.accept("GET /events/{id}", event);
    String correlation =
        dev.warren.codec.JsonDataCodec.MAPPER.readTree(event.body()).get("correlationId").asText();
    ok.accept("GET /events/{id}/lineage", http.get("/events/" + eventId + "/lineage"));
    ok.accept("GET /correlations/{id}", http.get("/correlations/" + encode(correlation)));
    ok.accept("PUT /queues/{name}", http.send("PUT", "/queues/conf-fixed", json, "{}"));
    ok.accept("GET /queues", http.get("/queues"));
    ok.accept("GET /queues/{name}", http.get("/queues/conf-fixed"));
    ok.accept(
        "POST /queues/{name}/messages",
        http.send(
            "POST",
            "/queues/conf-fixed/messages",
            ce,
            "{\"specversion\":\"1.0\",\"type\":\"conf.fixed\"}"));
    ok.accept("GET /queues/{name}/messages", http.get("/queues/conf-fixed/messages"));
    ok.accept(
        "DELETE /queues/{name}/messages",
        http.send("DELETE", "/queues/conf-fixed/messages", null, null));
    ok.accept("DELETE /queues/{name}", http.send("DELETE", "/queues/conf-fixed", null, null));
    ok.accept("GET /subscriptions", http.get("/subscriptions"));
    ok.accept(
        "GET /subscriptions/{name}/dead-letters", http.get("/subscriptions/conf-sub/dead-letters"));
    ok.accept(
        "POST /subscriptions/{name}/dead-letters/replay",
        http.send("POST", "/subscriptions/conf-sub/dead-letters/replay", json, "{}"));
    ok.accept(
        "DELETE /subscriptions/{name}/dead-letters",
        http.send("DELETE", "/subscriptions/conf-sub/dead-letters", null, null));
    HttpResponse<String> task =
        http.send("POST", "/tasks", json, "{\"name\":\"conf.task\",\"countdown\":\"1h\"}");
    ok.accept("POST /tasks", task);
    String id = dev.warren.codec.JsonDataCodec.MAPPER.readTree(task.body()).get("id").asText();
    ok.accept("GET /tasks", http.get("/tasks"));
    ok.accept("GET /tasks/{id}", http.get("/tasks/" + id));
    ok.accept("GET /task-limits", http.get("/task-limits"));
    ok.accept("DELETE /tasks/{id}", http.send("DELETE", "/tasks/" + id, null, null));
    ok.accept(
        "POST /schedules",
        http.send(
            "POST",
            "/schedules",
            json,
            "{\"name\":\"conf.sched\",\"cron\":\"0 0 3 * * *\",\"task\":\"conf.task\"}"));
    ok.accept("GET /schedules", http.get("/schedules"));
    ok.accept("GET /schedules/{name}", http.get("/schedules/conf.sched"));
    for (String action : List.of("pause", "resume", "trigger")) {
      ok.accept(
          "POST /schedules/{name}/" + action,
          http.send("POST", "/schedules/conf.sched/" + action, null, null));
    }
    ok.accept("DELETE /schedules/{name}", http.send("DELETE", "/schedules/conf.sched", null, null));
    java.util.Set<String> all = new java.util.TreeSet<>();
    operations().forEach(op -> all.add(op.method() + " " + op.template()));
    assertThat(done).isEqualTo(all);
  }

  @Example
  void theValidatorCatchesWhatTheDocumentDoesNotDeclare() throws Exception {
    var validator =
        com.atlassian.oai.validator.OpenApiInteractionValidator.createForInlineApiSpecification(
                openHttp.document().toString())
            .build();
    var method = com.atlassian.oai.validator.model.Request.Method.POST;
    var teapot =
        com.atlassian.oai.validator.model.SimpleResponse.Builder.status(418)
            .withContentType("application/problem+json")
            .withBody("{}")
            .build();
    assertThat(validator.validateResponse("/publish/a.b", method, teapot).hasErrors()).isTrue();
    var wrongBody =
        com.atlassian.oai.validator.model.SimpleResponse.Builder.status(202)
            .withContentType("application/json")
            .withBody("{\"ids\":\"not a list\"}")
            .build();
    assertThat(validator.validateResponse("/publish/a.b", method, wrongBody).hasErrors()).isTrue();
    var html =
        com.atlassian.oai.validator.model.SimpleResponse.Builder.status(400)
            .withContentType("text/html")
            .withBody("<html/>")
            .build();
    assertThat(validator.validateResponse("/publish/a.b", method, html).hasErrors()).isTrue();
    var right =
        com.atlassian.oai.validator.model.SimpleResponse.Builder.status(202)
            .withContentType("application/json")
            .withBody("{\"ids\":[\"a\"]}")
            .build();
    assertThat(validator.validateResponse("/publish/a.b", method, right).hasErrors()).isFalse();
  }

  @Property(tries = 2000, shrinking = ShrinkingMode.BOUNDED)
  void everyAnswerWithoutKeysIsDocumented(@ForAll("requests") Req req) throws Exception {
    send(openHttp, req);
  }

  @Property(tries = 800, shrinking = ShrinkingMode.BOUNDED)
  void everyAnswerWithKeysIsDocumented(
      @ForAll("requests") Req req, @ForAll("authorizations") String authorization)
      throws Exception {
    List<String> headers = new ArrayList<>(req.headers());
    if (!authorization.isEmpty()) {
      headers.add("Authorization");
      headers.add(authorization);
    }
    send(
        keyedHttp,
        new Req(req.operation(), req.method(), req.path(), req.contentType(), req.body(), headers));
  }

  private static void send(Http http, Req req) throws Exception {
    SENT.incrementAndGet();
    // why: a generated DELETE removes the queue the valid requests name; put it back, so the queue
    // operations keep being driven to their 2xx answers too
    if (warren.admin().queue("conf-q").isEmpty()) {
      warren
          .admin()
          .declareQueue(
              dev.warren.admin.QueueDefinition.durable("conf-q").binding("conf.#").build());
    }
    String[] headers = req.headers().toArray(String[]::new);
    int status;
    String body = "";
    if (req.method().equals("GET") && req.path().startsWith("/events/stream")) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + req.path())).GET();
      b.timeout(Duration.ofSeconds(10));
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      HttpResponse<java.io.InputStream> r =
          http.client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try {
        if (r.statusCode() == 200) {
          http.validate(req.method(), req.path(), r);
        } else {
          String text = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
          http.validate(req.method(), req.path(), new Answer(r, text));
        }
        status = r.statusCode();
      } finally {
        r.body().close();
      }
    } else {
      HttpResponse<String> r =
          http.send(req.method(), req.path(), req.contentType(), req.body(), headers);
      status = r.statusCode();
      body = r.body();
    }
    STATUSES.computeIfAbsent(Integer.toString(status), k -> new AtomicLong()).incrementAndGet();
    if (req.method().equals(req.operation().substring(0, req.operation().indexOf(' ')))) {
      BY_OPERATION.computeIfAbsent(req.operation(), k -> new ConcurrentSkipListSet<>()).add(status);
    }
    assertThat(status).as(req + " -> " + body).isLessThan(500).isNotEqualTo(0);
  }

  // --- generators

  @Provide
  Arbitrary<String> authorizations() {
    return Arbitraries.of(
        "",
        "Bearer admin-secret",
        "Bearer orders-secret",
        "Bearer worker-secret",
        "Bearer limited-secret",
        "Bearer wrong",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer ");
  }

  @Provide
  Arbitrary<Req> requests() {
    List<Operation> operations = operations();
    return Arbitraries.of(operations).flatMap(OpenApiConformanceTest::request);
  }

  static List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    JsonNode doc = openHttp.document();
    doc.get("paths")
        .properties()
        .forEach(
            p ->
                p.getValue()
                    .properties()
                    .forEach(
                        m ->
                            ops.add(
                                new Operation(
                                    m.getKey().toUpperCase(Locale.ROOT),
                                    p.getKey(),
                                    m.getValue()))));
    return ops;
  }

  static Arbitrary<Req> request(Operation op) {
    Arbitrary<String> method =
        Arbitraries.frequencyOf(
            Tuple.of(9, Arbitraries.just(op.method())),
            Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")));
    return Combinators.combine(method, path(op), query(op), body(op), accept())
        .as(
            (m, path, query, body, accept) -> {
              List<String> headers = new ArrayList<>(body.headers());
              if (accept != null) {
                headers.add("Accept");
                headers.add(accept);
              }
              return new Req(
                  op.method() + " " + op.template(),
                  m,
                  path + query,
                  body.contentType(),
                  body.body(),
                  headers);
            });
  }

  static Arbitrary<String> path(Operation op) {
    String[] parts = op.template().substring(1).split("/");
    Arbitrary<String> path = Arbitraries.just("");
    for (String part : parts) {
      Arbitrary<String> segment =
          part.startsWith("{")
              ? segment(op.template().startsWith("/queues") ? "{queue}" : part)
                  .map(OpenApiConformanceTest::encode)
              : Arbitraries.just(part);
      path = Combinators.combine(path, segment).as((a, b) -> a + "/" + b);
    }
    return path;
  }

  static Arbitrary<String> segment(String param) {
    Arbitrary<String> valid =
        switch (param) {
          // why: not the subscription's own queue, whose deletion would rightly make ready 503
          case "{queue}" -> Arbitraries.of("conf-q", "conf-q", "conf-q", "orders", "gone-q");
          case "{name}" -> Arbitraries.of("conf-sub", "spy", "orders", "conf.sched");
          case "{type}" -> Arbitraries.of("conf.gen", "order.created", "a", "a.b.c");
          case "{id}" -> Arbitraries.of(eventId, taskId, "00000000-0000-7000-8000-000000000000");
          default -> Arbitraries.just("x");
        };
    Arbitrary<String> junk =
        Arbitraries.strings()
            .withChars("ab.-_~ %#*é/?&+:;=\"'<>\\")
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(s -> !s.equals(".") && !s.equals(".."));
    Arbitrary<String> special =
        Arbitraries.of("amq.gen", "a..b", "x".repeat(300), "é", "%", "a#", "*", "stream", "0");
    return Arbitraries.frequencyOf(Tuple.of(5, valid), Tuple.of(3, junk), Tuple.of(2, special));
  }

  static Arbitrary<String> query(Operation op) {
    List<Arbitrary<String>> params = new ArrayList<>();
    JsonNode parameters = op.spec().path("parameters");
    for (JsonNode p : parameters) {
      if (!"query".equals(p.path("in").asText())) {
        continue;
      }
      String name = p.get("name").asText();
      Arbitrary<String> value =
          switch (name) {
            case "limit" -> Arbitraries.of("1", "5", "1000", "0", "-1", "1001", "lots", "", "2.5");
            case "pattern" ->
                Arbitraries.of("conf.#", "order.*", "#", "a..b", "a.b#", "", "*.*.*", "é");
            case "state" ->
                Arbitraries.of("active", "recent,scheduled", "PENDING", "success", "bogus", "");
            default -> Arbitraries.of("conf.task", "x", "", " ");
          };
      Arbitrary<String> param =
          Arbitraries.frequencyOf(
              Tuple.of(3, value.map(v -> name + "=" + encode(v))),
              Tuple.of(1, Arbitraries.just("")));
      params.add(param);
    }
    if (params.isEmpty()) {
      return Arbitraries.of("", "", "", "?unknown=1");
    }
    Arbitrary<String> all = Arbitraries.just("");
    for (Arbitrary<String> p : params) {
      all =
          Combinators.combine(all, p).as((a, b) -> b.isEmpty() ? a : a.isEmpty() ? b : a + "&" + b);
    }
    return all.map(q -> q.isEmpty() ? "" : "?" + q);
  }

  static Arbitrary<String> accept() {
    return Arbitraries.of(
        null,
        null,
        "*/*",
        "text/event-stream",
        "text/*",
        "application/json",
        "application/json, text/event-stream;q=0.5",
        "text/event-stream;q=0",
        "text/html;q=0.9, */*;q=0.1");
  }

  /** A body with its content type and extra headers. */
  record Body(String contentType, String body, List<String> headers) {
    static Body of(String contentType, String body) {
      return new Body(contentType, body, List.of());
    }
  }

  static Arbitrary<Body> body(Operation op) {
    Arbitrary<Body> noise =
        Arbitraries.oneOf(
            Arbitraries.just(new Body(null, null, List.of())),
            json().map(j -> Body.of("application/json", j)),
            Arbitraries.of("{", "", "not json", "[]", "null", "\"x\"")
                .map(j -> Body.of("application/json", j)),
            Arbitraries.of("text/plain", "application/xml", "application/cloudevents+xml")
                .map(t -> Body.of(t, "<x/>")),
            // why: over the server's 8 KiB limit, for the 413s
            Arbitraries.of("application/json", "application/cloudevents+json")
                .map(
                    t ->
                        Body.of(
                            t,
                            "{\"specversion\":\"1.0\",\"type\":\"big.one\",\"data\":\""
                                + "x".repeat(9000)
                                + "\"}")));
    Arbitrary<Body> valid =
        switch (op.method() + " " + op.template()) {
          case "POST /events" -> events();
          case "POST /publish/{type}" -> json().map(j -> Body.of("application/json", j));
          case "PUT /queues/{name}" -> queueDeclarations();
          case "POST /queues/{name}/messages" -> events();
          case "POST /subscriptions/{name}/dead-letters/replay" ->
              Arbitraries.of("{}", "{\"ids\":[]}", "{\"ids\":[\"x\"]}", "{\"ids\":\"x\"}", "[1]")
                  .map(j -> Body.of("application/json", j));
          case "POST /tasks" -> tasks();
          case "POST /schedules" -> schedules();
          default -> Arbitraries.just(new Body(null, null, List.of()));
        };
    return Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(1, noise));
  }

  static Arbitrary<Body> events() {
    Arbitrary<String> type =
        Arbitraries.of("conf.gen", "order.created", "a..b", "", "x".repeat(300), "a.#");
    Arbitrary<String> attrs =
        Arbitraries.of(
            "",
            ",\"id\":\"gen-1\"",
            ",\"source\":\"/gen\"",
            ",\"time\":\"2026-01-01T00:00:00Z\"",
            ",\"time\":\"yesterday\"",
            ",\"subject\":\"s\"",
            ",\"dataschema\":\"https://example.com/s.json\"",
            ",\"tenant\":\"a\",\"count\":5,\"flag\":true",
            ",\"nested\":{\"a\":1}",
            ",\"data_base64\":\"AAEC\",\"datacontenttype\":\"application/octet-stream\"",
            ",\"data_base64\":\"!!\"",
            ",\"id\":\"\"");
    Arbitrary<String> spec = Arbitraries.of("\"1.0\"", "\"1.0\"", "\"1.0\"", "\"0.3\"", "1.0");
    Arbitrary<String> structured =
        Combinators.combine(spec, type, attrs, json())
            .as(
                (s, t, a, d) ->
                    "{\"specversion\":"
                        + s
                        + ",\"type\":\""
                        + t
                        + "\""
                        + a
                        + ",\"data\":"
                        + d
                        + "}");
    Arbitrary<Body> one = structured.map(j -> Body.of("application/cloudevents+json", j));
    Arbitrary<Body> batch =
        structured
            .list()
            .ofMaxSize(3)
            .map(
                l ->
                    Body.of("application/cloudevents-batch+json", "[" + String.join(",", l) + "]"));
    Arbitrary<String> headerValue =
        Arbitraries.of("x", "caf%C3%A9", "50%25", "%zz", "%C3%28", "a b", "", "%");
    Arbitrary<Body> binary =
        Combinators.combine(type, headerValue, headerValue, Arbitraries.of("1.0", "1.0", "0.3"))
            .as(
                (t, subject, ext, v) ->
                    new Body(
                        "text/plain",
                        "hello",
                        List.of(
                            "ce-specversion",
                            v,
                            "ce-type",
                            t.isEmpty() ? "z" : t,
                            "ce-subject",
                            subject.isEmpty() ? "s" : subject,
                            "ce-tenant",
                            ext.isEmpty() ? "t" : ext,
                            "ce-dataschema",
                            "https://example.com/s.json")));
    // why: most generated events have something wrong; one surely valid keeps the 2xx in reach
    Arbitrary<Body> valid =
        Arbitraries.of("conf.gen", "order.created")
            .map(
                t ->
                    Body.of(
                        "application/cloudevents+json",
                        "{\"specversion\":\"1.0\",\"type\":\"" + t + "\",\"data\":{\"n\":1}}"));
    return Arbitraries.frequencyOf(
        Tuple.of(4, valid), Tuple.of(2, one), Tuple.of(1, batch), Tuple.of(2, binary));
  }

  static Arbitrary<Body> queueDeclarations() {
    Arbitrary<String> field =
        Arbitraries.of(
            "\"durable\":true",
            "\"durable\":false",
            "\"durable\":\"yes\"",
            "\"bindings\":[\"conf.#\"]",
            "\"bindings\":[\"a..b\"]",
            "\"bindings\":\"x\"",
            "\"ttl\":60000",
            "\"ttl\":-5",
            "\"maxLength\":10",
            "\"maxLength\":0",
            "\"deadLetter\":\"conf-dlq\"",
            "\"deadLetter\":7",
            "\"exclusive\":true",
            "\"autoDelete\":false",
            "\"colour\":\"red\"");
    return field
        .list()
        .ofMaxSize(3)
        .uniqueElements()
        .map(l -> Body.of("application/json", "{" + String.join(",", l) + "}"));
  }

  static Arbitrary<Body> tasks() {
    Arbitrary<String> field =
        Arbitraries.of(
            "\"args\":{\"n\":1}",
            "\"countdown\":5",
            "\"countdown\":\"30s\"",
            "\"countdown\":\"soon\"",
            "\"countdown\":-1",
            "\"eta\":\"2030-01-01T00:00:00Z\"",
            "\"eta\":\"tomorrow\"",
            "\"maxRetries\":3",
            "\"maxRetries\":1.5",
            "\"softTimeLimit\":\"5m\"",
            "\"timeLimit\":\"1s\"",
            "\"resultTtl\":\"1d\"",
            "\"queue\":\"conf-tasks\"",
            "\"queue\":\"\"",
            "\"colour\":1");
    Arbitrary<String> name =
        Arbitraries.of("\"name\":\"conf.task\"", "\"name\":\"\"", "\"name\":7", "");
    Arbitrary<Body> any =
        Combinators.combine(name, field.list().ofMaxSize(3).uniqueElements())
            .as(
                (n, fields) -> {
                  List<String> all = new ArrayList<>(fields);
                  if (!n.isEmpty()) {
                    all.add(0, n);
                  }
                  return Body.of("application/json", "{" + String.join(",", all) + "}");
                });
    // why: as for events, a surely valid submission keeps the 2xx in reach
    Arbitrary<Body> valid =
        Arbitraries.of(
                "{\"name\":\"conf.task\"}",
                "{\"name\":\"conf.task\",\"args\":{\"n\":1},\"countdown\":\"30s\"}")
            .map(j -> Body.of("application/json", j));
    return Arbitraries.frequencyOf(Tuple.of(1, valid), Tuple.of(2, any));
  }

  static Arbitrary<Body> schedules() {
    Arbitrary<String> when =
        Arbitraries.of(
            "\"cron\":\"0 0 3 * * *\"",
            "\"cron\":\"0 61 * * * *\"",
            "\"cron\":\"\"",
            "\"every\":\"1h\"",
            "\"every\":0.001",
            "\"every\":\"soon\"",
            "");
    Arbitrary<String> field =
        Arbitraries.of(
            "\"zone\":\"Europe/Paris\"",
            "\"zone\":\"Mars/Olympus\"",
            "\"task\":\"conf.task\"",
            "\"args\":{\"n\":1}",
            "\"missedSlots\":\"SKIP\"",
            "\"missedSlots\":\"never\"",
            "\"history\":5",
            "\"history\":0",
            "\"colour\":1");
    Arbitrary<String> name =
        Arbitraries.of("\"name\":\"conf.sched\"", "\"name\":\"a b\"", "\"name\":7", "");
    return Combinators.combine(name, when, field.list().ofMaxSize(3).uniqueElements())
        .as(
            (n, w, fields) -> {
              List<String> all = new ArrayList<>(fields);
              if (!w.isEmpty()) {
                all.add(0, w);
              }
              if (!n.isEmpty()) {
                all.add(0, n);
              }
              return Body.of("application/json", "{" + String.join(",", all) + "}");
            });
  }

  static Arbitrary<String> json() {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.of("true", "false", "null", "1.5e3", "-0", "12345678901234567890"),
            Arbitraries.strings()
                .withChars("abc é\"\\/\n")
                .ofMaxLength(8)
                .map(OpenApiConformanceTest::jsonString));
    return Arbitraries.recursive(
        () -> scalar,
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"),
                Combinators.combine(Arbitraries.of("a", "b", "type", "é"), inner)
                    .as((k, v) -> "{\"" + k + "\":" + v + "}")),
        0,
        2);
  }

  static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Percent-encodes everything but RFC 3986's unreserved characters. */
  static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  /** A streamed answer whose body was read to the end, for validation. */
  private record Answer(HttpResponse<?> response, String body) implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return response.statusCode();
    }

    @Override
    public HttpRequest request() {
      return response.request();
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return response.headers();
    }

    @Override
    public URI uri() {
      return response.uri();
    }

    @Override
    public java.net.http.HttpClient.Version version() {
      return response.version();
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return response.sslSession();
    }
  }
}
