package dev.warren.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.warren.BrokerUnavailableException;
import dev.warren.InvalidInputException;
import dev.warren.PublishRejectedException;
import dev.warren.TopologyMismatchException;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.admin.QueueNotFoundException;
import dev.warren.codec.JsonDataCodec;
import dev.warren.server.ApiKeys.ApiKey;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of Warren: CloudEvents in ({@code POST /events}), Server-Sent Events out ({@code
 * GET /events/stream}), health, metrics, queues and dead letters. Javalin 7 on Jetty 12, requests
 * on virtual threads.
 *
 * <pre>{@code
 * try (Warren warren = Warren.fromEnvironment()) {
 *   WarrenServer server = WarrenServer.start(ServerOptions.fromEnvironment(), warren);
 *   // ... curl -X POST localhost:8080/events/order.created -d '{"id":42}'
 *   server.stop();
 * }
 * }</pre>
 *
 * <p>The server does not own the {@link Warren} instance: {@link #stop()} leaves it open.
 */
public final class WarrenServer {
  private static final Logger log = LoggerFactory.getLogger(WarrenServer.class);
  static final String PROBLEM_JSON = "application/problem+json";

  /** A route the server answers, as documented in {@code /openapi.json}. */
  public record Route(String method, String path) {}

  /** Who may call a route. */
  enum Access {
    /** Anyone, even without a key. */
    OPEN,
    /** Any valid key; the route checks the publish or subscribe scope for what it touches. */
    AUTHENTICATED,
    /** A key with the {@code admin} scope. */
    ADMIN
  }

  private final ServerOptions options;
  private final Warren warren;
  private final ApiKeys keys;
  private final ServerWarmup warmup;
  private final List<Route> routes = new ArrayList<>();
  private final EventRoutes events;
  private volatile byte[] openApi;
  private Javalin app;

  private WarrenServer(ServerOptions options, Warren warren, ApiKeys keys, ServerWarmup warmup) {
    this.options = options;
    this.warren = warren;
    this.keys = keys;
    this.warmup = warmup;
    warmup.registry(); // why: fail here, not on the first request, when there is no registry
    this.events = new EventRoutes(this);
  }

  /**
   * Starts serving; returns once the port is bound.
   *
   * @param options where to listen and what to accept
   * @param warren the instance to publish through; stays owned by the caller
   * @return the running server
   * @throws InvalidInputException when the keys file is not valid, or a non-loopback host has no
   *     keys and {@link ServerOptions#insecure()} is not set
   */
  public static WarrenServer start(ServerOptions options, Warren warren) {
    return start(options, warren, null);
  }

  /**
   * {@link #start(ServerOptions, Warren)}, with the part of the start-up that needs no Warren
   * instance begun earlier by the caller, so that it overlaps creating the instance:
   *
   * <pre>{@code
   * ServerWarmup warmup = ServerWarmup.begin();
   * try (Warren warren = Warren.create(options)) {
   *   WarrenServer server = WarrenServer.start(serverOptions, warren, warmup);
   * }
   * }</pre>
   *
   * @param options where to listen and what to accept
   * @param warren the instance to publish through; stays owned by the caller
   * @param warmup from {@link ServerWarmup#begin()}, or {@code null} to begin it here; a server
   *     takes one warm-up, and closes it when it stops
   * @return the running server
   * @throws InvalidInputException when the keys file is not valid, or a non-loopback host has no
   *     keys and {@link ServerOptions#insecure()} is not set
   */
  public static WarrenServer start(ServerOptions options, Warren warren, ServerWarmup warmup) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(warren, "warren");
    ApiKeys keys =
        options.apiKeysFile() == null ? ApiKeys.none() : ApiKeys.load(options.apiKeysFile());
    if (keys.isEmpty()) {
      if (!options.isLoopback() && !options.insecure()) {
        throw new InvalidInputException(
            "refusing to serve on "
                + options.host()
                + " without API keys: set WARREN_API_KEYS_FILE, bind 127.0.0.1, or pass --insecure");
      }
      if (options.isLoopback()) {
        log.info(
            "no API keys configured: serving on loopback {} only, without authentication",
            options.host());
      } else {
        log.warn(
            "no API keys configured and --insecure: {} is open to anyone who can reach it",
            options.host());
      }
    }
    WarrenServer server =
        new WarrenServer(options, warren, keys, warmup != null ? warmup : ServerWarmup.begin());
    try {
      server.startJavalin();
    } catch (RuntimeException e) {
      // why: the GC meter listens to the JVM for good unless closed
      try {
        server.events.close();
        server.warmup.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return server;
  }

  private void startJavalin() {
    app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.startupWatcherEnabled = false;
              config.concurrency.useVirtualThreads = true;
              config.http.maxRequestSize = options.maxEventBytes();
              config.jetty.host = options.host();
              config.jetty.port = options.port();
              if (options.tls()) {
                Https.serve(config.jetty, options);
              }
              config.requestLogger.http(this::recordRequest);
              routes(config.routes);
            });
    app.start();
    log.info(
        "warren server on {}://{}:{} over {}",
        scheme(),
        options.host(),
        app.port(),
        warren.describe());
  }

  /**
   * @return {@code https} when the server serves TLS ({@link ServerOptions#tls()}), else {@code
   *     http}
   */
  public String scheme() {
    return options.tls() ? "https" : "http";
  }

  private void routes(JavalinDefaultRoutingApi router) {
    router.exception(Exception.class, this::handleException);
    // why: Javalin answers its own refusals (a body over the limit) in plain text unless a handler
    // names their class; every error of this server is a problem+json
    router.exception(HttpResponseException.class, this::handleException);
    router.error(404, ctx -> notFound(ctx));
    add(router, HandlerType.GET, "/health/live", Access.OPEN, Health.live(warren));
    add(router, HandlerType.GET, "/health/ready", Access.OPEN, Health.ready(warren));
    add(router, HandlerType.GET, "/openapi.json", Access.OPEN, this::openApi);
    add(
        router,
        HandlerType.GET,
        "/metrics",
        Access.ADMIN,
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics().scrape()));
    events.register(router);
    new AdminRoutes(this).register(router);
    new ConsoleRoutes(this, !keys.isEmpty()).register(router);
    LineageEndpoints lineage = new LineageEndpoints(warren);
    add(
        router,
        HandlerType.GET,
        "/events/{id}",
        Access.ADMIN,
        ctx -> ctx.json(lineage.event(ctx.pathParam("id"))));
    add(
        router,
        HandlerType.GET,
        "/events/{id}/lineage",
        Access.ADMIN,
        ctx -> ctx.json(lineage.lineage(ctx.pathParam("id"))));
    add(
        router,
        HandlerType.GET,
        "/correlations/{id}",
        Access.ADMIN,
        ctx -> ctx.json(lineage.correlation(ctx.pathParam("id"))));
    TaskEndpoints tasks = new TaskEndpoints(warren);
    add(
        router,
        HandlerType.POST,
        "/tasks",
        Access.AUTHENTICATED,
        ctx -> {
          authorizedTasks(ctx);
          requireBroker();
          reply(
              ctx,
              tasks.submit(
                  new String(
                      EventRoutes.Bodies.read(ctx, options.maxEventBytes()),
                      java.nio.charset.StandardCharsets.UTF_8)));
        });
    add(
        router,
        HandlerType.GET,
        "/tasks",
        Access.AUTHENTICATED,
        ctx ->
            reply(
                ctx,
                tasks.list(
                    authorizedTasks(ctx).queryParam("state"),
                    ctx.queryParam("name"),
                    ctx.queryParam("since"),
                    ctx.queryParam("until"),
                    ctx.queryParam("limit"))));
    // why: a path of its own, not /tasks/limits, which /tasks/{id} would also match
    add(
        router,
        HandlerType.GET,
        "/task-limits",
        Access.AUTHENTICATED,
        ctx -> {
          authorizedTasks(ctx);
          reply(ctx, tasks.limits());
        });
    add(
        router,
        HandlerType.GET,
        "/tasks/{id}",
        Access.AUTHENTICATED,
        ctx -> reply(ctx, tasks.get(authorizedTasks(ctx).pathParam("id"))));
    add(
        router,
        HandlerType.DELETE,
        "/tasks/{id}",
        Access.AUTHENTICATED,
        ctx -> reply(ctx, tasks.revoke(authorizedTasks(ctx).pathParam("id"))));
    scheduleRoutes(router);
  }

  private void scheduleRoutes(JavalinDefaultRoutingApi router) {
    ScheduleEndpoints schedules = new ScheduleEndpoints(warren);
    try {
      // why: a server is a long-running instance; it fires the schedules defined over HTTP
      warren.schedules().startFiring();
    } catch (RuntimeException e) {
      log.warn("schedules are not fired until their store answers: {}", e.toString());
    }
    add(
        router,
        HandlerType.GET,
        "/schedules",
        Access.AUTHENTICATED,
        ctx -> {
          authorizedTasks(ctx);
          reply(ctx, schedules.list());
        });
    add(
        router,
        HandlerType.POST,
        "/schedules",
        Access.AUTHENTICATED,
        ctx -> {
          authorizedTasks(ctx);
          reply(
              ctx,
              schedules.define(
                  new String(
                      EventRoutes.Bodies.read(ctx, options.maxEventBytes()),
                      java.nio.charset.StandardCharsets.UTF_8)));
        });
    add(
        router,
        HandlerType.GET,
        "/schedules/{name}",
        Access.AUTHENTICATED,
        ctx ->
            reply(
                ctx,
                schedules.get(authorizedTasks(ctx).pathParam("name"), ctx.queryParam("limit"))));
    add(
        router,
        HandlerType.DELETE,
        "/schedules/{name}",
        Access.AUTHENTICATED,
        ctx -> reply(ctx, schedules.delete(authorizedTasks(ctx).pathParam("name"))));
    add(
        router,
        HandlerType.POST,
        "/schedules/{name}/pause",
        Access.AUTHENTICATED,
        ctx -> reply(ctx, schedules.pause(authorizedTasks(ctx).pathParam("name"))));
    add(
        router,
        HandlerType.POST,
        "/schedules/{name}/resume",
        Access.AUTHENTICATED,
        ctx -> reply(ctx, schedules.resume(authorizedTasks(ctx).pathParam("name"))));
    add(
        router,
        HandlerType.POST,
        "/schedules/{name}/trigger",
        Access.AUTHENTICATED,
        ctx -> {
          authorizedTasks(ctx);
          requireBroker();
          reply(ctx, schedules.trigger(ctx.pathParam("name")));
        });
  }

  private static Context authorizedTasks(Context ctx) {
    TaskEndpoints.requireScope(key(ctx));
    return ctx;
  }

  private static void reply(Context ctx, TaskEndpoints.Reply r) {
    ctx.status(r.status());
    if (r.location() != null) {
      ctx.header("Location", r.location());
    }
    ctx.json(r.body());
  }

  void add(
      JavalinDefaultRoutingApi router,
      HandlerType method,
      String path,
      Access access,
      Handler handler) {
    routes.add(new Route(method.name(), path));
    router.addHttpHandler(
        method,
        path,
        ctx -> {
          ctx.attribute("key", authorize(ctx, access));
          handler.handle(ctx);
        });
  }

  /**
   * @return the routes the server answers
   */
  public List<Route> routes() {
    return Collections.unmodifiableList(routes);
  }

  /**
   * @return the bound port
   */
  public int port() {
    return app.port();
  }

  /**
   * @return the Prometheus registry the server records into, once its JVM meters are bound (they
   *     are bound in the background during start-up; this waits for them)
   */
  PrometheusMeterRegistry metrics() {
    return warmup.metrics();
  }

  ServerOptions options() {
    return options;
  }

  Warren warren() {
    return warren;
  }

  /** Stops serving and closes open event streams. The Warren instance stays open. */
  public void stop() {
    events.close();
    app.stop();
    warmup.close();
  }

  // --- security

  private ApiKey authorize(Context ctx, Access access) {
    if (keys.isEmpty()) {
      return ApiKeys.ANONYMOUS;
    }
    if (access == Access.OPEN) {
      return keys.authenticate(ctx.header("Authorization")).orElse(null);
    }
    ApiKey key = keys.authenticate(ctx.header("Authorization")).orElse(null);
    if (key == null) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new Problem(
          401,
          ctx.header("Authorization") == null
              ? "missing 'Authorization: Bearer <key>' header"
              : "the API key in the Authorization header is not valid");
    }
    if (key.rate() != null) {
      long waitNanos = key.rate().tryTake();
      if (waitNanos > 0) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999));
        ctx.header("Retry-After", Long.toString(seconds));
        throw new Problem(
            429, "API key '" + key.name() + "' is over its rate limit: retry in " + seconds + " s");
      }
    }
    if (access == Access.ADMIN && !key.isAdmin()) {
      throw new Problem(
          403, "API key '" + key.name() + "' lacks the 'admin' scope needed for " + ctx.path());
    }
    return key;
  }

  // --- the broker

  /** Seconds a client is told to wait after a 503 for an unavailable or blocked broker. */
  static final long RETRY_AFTER_SECONDS = 5;

  /**
   * Fails at once, with 503 and {@code Retry-After}, when the broker is known to be unable to take
   * a publish: it blocks the connection (a resource alarm) or the connection is down. why: the
   * publish would wait for its timeout and fail anyway, while the HTTP client waits too.
   */
  void requireBroker() {
    Optional<String> blocked = warren.blocked();
    if (blocked.isPresent()) {
      throw Problem.unavailable(
          "the broker blocks publishing (resource alarm: " + blocked.get() + "); retry later",
          RETRY_AFTER_SECONDS);
    }
    if (!warren.isConnected()) {
      throw Problem.unavailable(
          "the broker is unreachable (" + warren.describe() + "); retry later",
          RETRY_AFTER_SECONDS);
    }
  }

  /**
   * @return the 503 of a publish that the broker did not confirm within {@link
   *     ServerOptions#publishTimeout()}
   */
  Problem publishTimedOut() {
    return Problem.unavailable(
        "the broker did not confirm the publish within the server's publish timeout of "
            + options.publishTimeout().toMillis()
            + " ms (WARREN_HTTP_PUBLISH_TIMEOUT); it may still be published, so a retry may"
            + " duplicate it",
        RETRY_AFTER_SECONDS);
  }

  /** Authorizes a request of a route registered without {@link #add}, as {@link #add} does. */
  void withKey(Context ctx, Access access) {
    ctx.attribute("key", authorize(ctx, access));
  }

  static ApiKey key(Context ctx) {
    return ctx.attribute("key");
  }

  static String keyName(Context ctx) {
    ApiKey key = key(ctx);
    return key == null ? "anonymous" : key.nameOr("anonymous");
  }

  // --- errors and metrics

  private void handleException(Exception e, Context ctx) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof NotFoundResponse) {
      // why: Javalin's "no route", which may be a known path with another method
      notFound(ctx);
      return;
    }
    Problem problem;
    if (t instanceof Problem p) {
      problem = p;
    } else if (t instanceof HttpResponseException h && h.getStatus() < 500) {
      // why: Javalin's own refusals (a body over the size limit) are the client's errors
      problem = new Problem(h.getStatus(), h.getMessage());
    } else if (t instanceof TimeoutException) {
      problem = publishTimedOut();
    } else if (t instanceof BrokerUnavailableException) {
      problem =
          Problem.unavailable("the broker is unavailable: " + t.getMessage(), RETRY_AFTER_SECONDS);
    } else if (t instanceof PublishRejectedException) {
      problem = new Problem(502, "the broker rejected the message: " + t.getMessage());
    } else if (t instanceof QueueNotFoundException) {
      problem = Problem.notFound(t.getMessage());
    } else if (t instanceof TopologyMismatchException) {
      problem = new Problem(409, t.getMessage());
    } else if (t instanceof InvalidInputException) {
      problem = Problem.badRequest(t.getMessage());
    } else if (t instanceof WarrenException w
        && w.getMessage() != null
        && w.getMessage().contains("cannot")) {
      problem = new Problem(501, w.getMessage());
    } else {
      log.error("{} {} failed", ctx.method(), ctx.path(), t);
      problem = new Problem(500, "internal error: " + t.getClass().getSimpleName());
    }
    writeProblem(ctx, problem);
  }

  private void notFound(Context ctx) {
    String type = ctx.res().getContentType();
    if (type != null && type.startsWith(PROBLEM_JSON)) {
      return;
    }
    Set<String> allowed = allowedMethods(ctx.path());
    if (!allowed.isEmpty()) {
      ctx.header("Allow", String.join(", ", allowed));
      writeProblem(
          ctx,
          new Problem(
              405,
              "method "
                  + ctx.method()
                  + " is not allowed on "
                  + ctx.path()
                  + ": use "
                  + String.join(", ", allowed)));
      return;
    }
    writeProblem(ctx, Problem.notFound("no route " + ctx.method() + " " + ctx.path()));
  }

  /**
   * @return the methods of the documented routes whose template matches the path, in order
   */
  Set<String> allowedMethods(String path) {
    String[] segments = split(path);
    Set<String> methods = new TreeSet<>();
    for (Route r : routes) {
      String[] template = split(r.path());
      if (template.length != segments.length) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < template.length && match; i++) {
        match = template[i].startsWith("{") || template[i].equals(segments[i]);
      }
      if (match) {
        methods.add(r.method());
      }
    }
    return methods;
  }

  private static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.split("/", -1);
  }

  static void writeProblem(Context ctx, Problem problem) {
    if (problem.retryAfterSeconds() > 0) {
      ctx.header("Retry-After", Long.toString(problem.retryAfterSeconds()));
    }
    try {
      ctx.status(problem.status())
          .contentType(PROBLEM_JSON)
          .result(JsonDataCodec.MAPPER.writeValueAsBytes(problem.body(ctx.path())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void recordRequest(Context ctx, Float millis) {
    String uri;
    try {
      uri = ctx.endpoint().path;
    } catch (RuntimeException e) {
      uri = "unmatched";
    }
    Timer.builder("http.server.requests")
        .description("HTTP requests served")
        .tag("method", ctx.method().name())
        .tag("uri", uri)
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(metrics())
        .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
  }

  private void openApi(Context ctx) throws IOException {
    byte[] doc = openApi;
    if (doc == null) {
      doc = OpenApiDocument.of(keys.isEmpty());
      openApi = doc;
    }
    ctx.contentType("application/json").result(doc);
  }
}
