package dev.warren.server;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Topics;
import dev.warren.codec.CloudEventsJson;
import dev.warren.server.ApiKeys.ApiKey;
import dev.warren.server.WarrenServer.Access;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.Counter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishing ({@code POST /events}, {@code POST /publish/{type}}) and streaming (SSE, {@code GET
 * /events/stream}).
 *
 * <p>why: publishing has paths of its own; {@code /events/{id}} and {@code /events/stream} are read
 * paths, and a {@code POST} to one of them must not publish. The old {@code POST /events/{type}}
 * stays as an alias (deprecated, not in the OpenAPI document) only for dotted types, which no read
 * path under {@code /events} uses.
 */
final class EventRoutes {
  /** How often an idle stream is probed, which is also how soon a gone client is noticed. */
  static final long HEARTBEAT_SECONDS = 10;

  /** The name of every stream's own subscription begins with this. */
  static final String STREAM_PREFIX = "warren-server-stream-";

  private static final AtomicLong STREAMS = new AtomicLong();

  private static final int MAX_TYPES = 200;

  private final WarrenServer server;
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> failed = new ConcurrentHashMap<>();
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("warren-sse-heartbeat").unstarted(r));

  EventRoutes(WarrenServer server) {
    this.server = server;
    heartbeat.scheduleAtFixedRate(
        () ->
            clients.forEach(
                c -> {
                  synchronized (c) {
                    c.sendComment("keep-alive");
                  }
                }),
        HEARTBEAT_SECONDS,
        HEARTBEAT_SECONDS,
        TimeUnit.SECONDS);
  }

  void register(JavalinDefaultRoutingApi router) {
    server.add(router, HandlerType.POST, "/events", Access.AUTHENTICATED, this::postEvents);
    server.add(router, HandlerType.POST, "/publish/{type}", Access.AUTHENTICATED, this::postData);
    server.add(router, HandlerType.GET, "/events/stream", Access.AUTHENTICATED, this::stream);
    // why: registered with Javalin only, so it is neither a documented route nor in Allow
    router.addHttpHandler(HandlerType.POST, "/events/{type}", this::legacyPostData);
  }

  void close() {
    heartbeat.shutdownNow();
    for (SseClient c : List.copyOf(clients)) {
      c.close();
    }
  }

  private void postEvents(Context ctx) {
    String mediaType = CloudEventsHttp.mediaType(ctx.contentType());
    String source = defaultSource(ctx);
    List<Event> events;
    if (mediaType.equals(CloudEventsHttp.STRUCTURED)) {
      byte[] body = Bodies.read(ctx, server.options().maxEventBytes());
      events =
          List.of(
              CloudEventsHttp.structured(
                  CloudEventsHttp.parseJson(body, "the request body"), source));
    } else if (mediaType.equals(CloudEventsHttp.BATCH)) {
      byte[] body = Bodies.read(ctx, server.options().maxEventBytes());
      events = CloudEventsHttp.batch(CloudEventsHttp.parseJson(body, "the request body"), source);
    } else if (mediaType.startsWith("application/cloudevents")) {
      throw new Problem(
          415,
          "unsupported CloudEvents format '"
              + ctx.contentType()
              + "': use "
              + CloudEventsHttp.STRUCTURED
              + " or "
              + CloudEventsHttp.BATCH);
    } else if (ctx.header("ce-specversion") != null || ctx.header("ce-type") != null) {
      byte[] body = Bodies.read(ctx, server.options().maxEventBytes());
      events =
          List.of(
              CloudEventsHttp.binary(
                  ctx::header, ctx.headerMap().keySet(), ctx.contentType(), body, source));
    } else {
      throw new Problem(
          415,
          "unsupported content type '"
              + ctx.contentType()
              + "' without ce-* headers: use "
              + CloudEventsHttp.STRUCTURED
              + ", "
              + CloudEventsHttp.BATCH
              + " or binary mode (ce-specversion, ce-type headers)");
    }
    publish(ctx, events);
  }

  /**
   * {@code POST /events/{type}}, the path of {@code POST /publish/{type}} before 0.2: publishes
   * only for a dotted type (a read path under {@code /events} has no dot), with a {@code
   * Deprecation} header and a {@code Link} to the new path; else 405, as for any read path.
   */
  private void legacyPostData(Context ctx) throws Exception {
    String type = ctx.pathParam("type");
    if (type.indexOf('.') < 0) {
      Set<String> allowed = server.allowedMethods(ctx.path());
      ctx.header("Allow", String.join(", ", allowed));
      throw new Problem(
          405,
          "POST "
              + ctx.path()
              + " does not publish: "
              + (allowed.isEmpty() ? "no such route" : "it is a read path (" + allowed + ")")
              + "; publish with POST /publish/{type}");
    }
    ctx.header("Deprecation", "true");
    ctx.header("Link", "</publish/" + type + ">; rel=\"successor-version\"");
    server.withKey(ctx, Access.AUTHENTICATED);
    postData(ctx);
  }

  private void postData(Context ctx) {
    String type = CloudEventsHttp.requireType(ctx.pathParam("type"), "the path");
    String mediaType = CloudEventsHttp.mediaType(ctx.contentType());
    if (!mediaType.isEmpty() && !CloudEventsHttp.isJson(mediaType)) {
      throw new Problem(
          415,
          "unsupported content type '"
              + ctx.contentType()
              + "': send the data as application/json");
    }
    byte[] body = Bodies.read(ctx, server.options().maxEventBytes());
    Event.Builder b = Event.builder(type).source(defaultSource(ctx));
    if (body.length > 0) {
      CloudEventsHttp.parseJson(body, "the request body");
      b.data(body, Event.JSON);
    }
    String subject = ctx.header("ce-subject");
    if (subject != null) {
      b.subject(subject);
    }
    publish(ctx, List.of(b.build()));
  }

  private String defaultSource(Context ctx) {
    ApiKey key = WarrenServer.key(ctx);
    // why: null lets the engine fill in the instance's own source
    return key == null || key.name() == null ? null : key.name();
  }

  /**
   * The counter of one event type; after {@value #MAX_TYPES} types, further ones count as {@code
   * other}. why: types come from clients, and one that makes them from data (ids in types) must not
   * grow the metrics without bound; looking the counter up in a map also spares a registration per
   * request.
   */
  private Counter counter(Map<String, Counter> counters, String name, String type) {
    Counter c = counters.get(type);
    if (c != null) {
      return c;
    }
    String tag = counters.size() >= MAX_TYPES ? "other" : type;
    Counter made = Counter.builder(name).tag("type", tag).register(server.metrics());
    if (tag.equals(type)) {
      counters.putIfAbsent(type, made);
    }
    return made;
  }

  private void publish(Context ctx, List<Event> events) {
    ApiKey key = WarrenServer.key(ctx);
    for (Event e : events) {
      if (key != null && !key.mayPublish(e.type())) {
        throw new Problem(
            403, "API key '" + key.name() + "' may not publish events of type '" + e.type() + "'");
      }
    }
    server.requireBroker();
    List<CompletableFuture<Event>> futures = new ArrayList<>(events.size());
    for (Event e : events) {
      futures.add(server.warren().publish(e));
    }
    // why: the answer is written when the broker's confirms arrive, on the thread that completes
    // them; a request thread blocked in join() had to be woken for each one, which on RabbitMQ
    // cost the server more CPU per request than the rest of the request together. The server's
    // own, short, publish timeout answers 503 before an HTTP client gives up.
    CompletableFuture<Void> all =
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
            .orTimeout(server.options().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ctx.future(() -> all.handle((ok, error) -> answer(ctx, events, futures)));
  }

  private Void answer(Context ctx, List<Event> events, List<CompletableFuture<Event>> futures) {
    List<String> ids = new ArrayList<>(events.size());
    Throwable failure = null;
    for (int i = 0; i < futures.size(); i++) {
      String type = events.get(i).type();
      CompletableFuture<Event> f = futures.get(i);
      if (!f.isDone()) {
        counter(failed, "warren.events.failed", type).increment();
        if (failure == null) {
          failure = server.publishTimedOut();
        }
      } else if (f.isCompletedExceptionally()) {
        counter(failed, "warren.events.failed", type).increment();
        if (failure == null) {
          failure = f.exceptionNow();
        }
      } else {
        ids.add(f.join().id());
        counter(published, "warren.events.published", type).increment();
      }
    }
    if (failure != null) {
      throw failure instanceof RuntimeException r ? r : new CompletionException(failure);
    }
    ctx.status(202).json(Map.of("ids", ids));
    return null;
  }

  private void stream(Context ctx) throws Exception {
    String pattern = ctx.queryParam("pattern");
    if (pattern == null) {
      throw Problem.badRequest("missing query parameter 'pattern', for example ?pattern=order.#");
    }
    String problem = Topics.patternProblem(pattern);
    if (problem != null) {
      throw Problem.badRequest(
          "invalid pattern '" + CloudEventsHttp.shorten(pattern) + "': " + problem);
    }
    ApiKey key = WarrenServer.key(ctx);
    if (key != null && !key.maySubscribe(pattern)) {
      throw new Problem(
          403, "API key '" + key.name() + "' may not subscribe to the pattern '" + pattern + "'");
    }
    if (!Accept.allows(ctx.header("Accept"), "text/event-stream")) {
      throw new Problem(
          406,
          "the stream is text/event-stream, which 'Accept: "
              + CloudEventsHttp.shorten(ctx.header("Accept"))
              + "' does not accept; send Accept: text/event-stream or */*");
    }
    // why: what Javalin's SseHandler does, without its check that Accept contains the literal
    // text/event-stream, which refused */*, text/* and a missing header
    // why: a browser sends Accept-Encoding: gzip, and Javalin's compressing stream holds small
    // writes back until it has enough to compress: the events would never arrive one by one
    ctx.disableCompression();
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setCharacterEncoding("UTF-8");
    res.setContentType("text/event-stream");
    res.addHeader("Connection", "close");
    res.addHeader("Cache-Control", "no-cache");
    res.addHeader("X-Accel-Buffering", "no");
    res.flushBuffer();
    ctx.async(config -> config.timeout = 0, () -> open(new SseClient(ctx), pattern));
  }

  private void open(SseClient client, String pattern) {
    String name = STREAM_PREFIX + STREAMS.incrementAndGet();
    Subscription subscription = Subscription.named(name).pattern(pattern).broadcast();
    SubscriptionHandle handle =
        server
            .warren()
            .subscribe(
                subscription,
                event -> {
                  synchronized (client) {
                    if (!client.terminated()) {
                      client.sendEvent("message", CloudEventsJson.write(event), event.id());
                    }
                  }
                });
    clients.add(client);
    client.onClose(
        () -> {
          clients.remove(client);
          // why: a stream is closed from the thread whose write failed, which may be the
          // subscription's own handler; closing the subscription waits for its handlers, so it
          // must not happen on that thread
          Thread.ofVirtual()
              .name(name + "-close")
              .start(
                  () -> {
                    handle.close();
                    // why: the queue would expire by itself, but a stream's queue is nobody
                    // else's business
                    server.warren().admin().deleteQueue(handle.queue());
                    server.warren().admin().deleteQueue(subscription.deadLetterQueue());
                  });
        });
    client.sendComment("subscribed " + pattern);
    client.keepAlive();
  }

  /** Reads request bodies within the size limit. */
  static final class Bodies {
    private Bodies() {}

    static byte[] read(Context ctx, int max) {
      long declared = ctx.req().getContentLengthLong();
      if (declared > max) {
        throw tooLarge(declared, max);
      }
      try {
        byte[] body = ctx.req().getInputStream().readNBytes(max + 1);
        if (body.length > max) {
          throw tooLarge(body.length, max);
        }
        return body;
      } catch (IOException e) {
        throw Problem.badRequest("cannot read the request body: " + e.getMessage());
      }
    }

    private static Problem tooLarge(long size, int max) {
      return new Problem(
          413,
          "request body of "
              + size
              + (size > max ? "" : "+")
              + " bytes is over the limit of "
              + max
              + " bytes (WARREN_MAX_EVENT_BYTES)");
    }
  }
}
