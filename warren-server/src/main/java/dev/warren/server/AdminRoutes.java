package dev.warren.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Topics;
import dev.warren.admin.MessageRates;
import dev.warren.admin.QueueDeclared;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.QueueInfo;
import dev.warren.admin.QueuedMessage;
import dev.warren.admin.SubscriptionInfo;
import dev.warren.admin.WarrenAdmin;
import dev.warren.codec.CloudEventsJson;
import dev.warren.codec.JsonDataCodec;
import dev.warren.server.WarrenServer.Access;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues, subscriptions and dead letters: the {@code admin} scope's routes, over the instance's
 * {@link WarrenAdmin}.
 */
final class AdminRoutes {
  private static final Logger audit = LoggerFactory.getLogger("dev.warren.audit");
  private static final Set<String> QUEUE_FIELDS =
      Set.of("durable", "exclusive", "autoDelete", "bindings", "ttl", "maxLength", "deadLetter");
  private static final int MAX_LIMIT = 1000;

  private final WarrenServer server;
  private final WarrenAdmin admin;

  AdminRoutes(WarrenServer server) {
    this.server = server;
    this.admin = server.warren().admin();
  }

  void register(JavalinDefaultRoutingApi r) {
    server.add(r, HandlerType.GET, "/queues", Access.ADMIN, this::listQueues);
    server.add(r, HandlerType.GET, "/queues/{name}", Access.ADMIN, this::queueInfo);
    server.add(r, HandlerType.PUT, "/queues/{name}", Access.ADMIN, this::declareQueue);
    server.add(r, HandlerType.DELETE, "/queues/{name}", Access.ADMIN, this::deleteQueue);
    server.add(r, HandlerType.DELETE, "/queues/{name}/messages", Access.ADMIN, this::purgeQueue);
    server.add(r, HandlerType.POST, "/queues/{name}/messages", Access.ADMIN, this::sendToQueue);
    server.add(r, HandlerType.GET, "/queues/{name}/messages", Access.ADMIN, this::peekQueue);
    server.add(r, HandlerType.GET, "/subscriptions", Access.ADMIN, this::listSubscriptions);
    server.add(
        r, HandlerType.GET, "/subscriptions/{name}/dead-letters", Access.ADMIN, this::peekDead);
    server.add(
        r,
        HandlerType.POST,
        "/subscriptions/{name}/dead-letters/replay",
        Access.ADMIN,
        this::replayDead);
    server.add(
        r, HandlerType.DELETE, "/subscriptions/{name}/dead-letters", Access.ADMIN, this::purgeDead);
  }

  // --- queues

  private void listQueues(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (QueueInfo q : admin.queues()) {
      out.add(queueJson(q));
    }
    ctx.json(Map.of("queues", out));
  }

  private void queueInfo(Context ctx) {
    ctx.json(queueJson(existing(ctx)));
  }

  private void declareQueue(Context ctx) {
    String name = queueName(ctx);
    byte[] body = EventRoutes.Bodies.read(ctx, server.options().maxEventBytes());
    JsonNode node =
        body.length == 0
            ? JsonDataCodec.MAPPER.createObjectNode()
            : CloudEventsHttp.parseJson(body, "the request body");
    if (!(node instanceof ObjectNode o)) {
      throw Problem.badRequest(
          "the queue declaration must be a JSON object, got " + node.getNodeType());
    }
    Iterator<String> fields = o.fieldNames();
    while (fields.hasNext()) {
      String f = fields.next();
      if (!QUEUE_FIELDS.contains(f)) {
        throw Problem.badRequest(
            "unknown field '"
                + f
                + "' in the queue declaration: use "
                + String.join(", ", QUEUE_FIELDS));
      }
    }
    QueueDefinition.Builder b =
        bool(o, "durable", true)
            ? QueueDefinition.durable(name)
            : QueueDefinition.transientQueue(name);
    // why: an exclusive or auto-deleted queue would belong to the server's own connection and
    // consumers, which no HTTP caller controls; the fields stay accepted with their defaults
    for (String unsupported : List.of("exclusive", "autoDelete")) {
      if (bool(o, unsupported, false)) {
        throw Problem.badRequest(
            "'"
                + unsupported
                + "' true is not supported: a queue declared over HTTP outlives the request and"
                + " its consumers; use \"durable\": false for one that does not survive a"
                + " broker restart");
      }
    }
    if (o.has("ttl")) {
      b.messageTtl(Duration.ofMillis(positiveLong(o, "ttl")));
    }
    if (o.has("maxLength")) {
      b.maxLength(positiveLong(o, "maxLength"));
    }
    if (o.has("deadLetter")) {
      JsonNode dl = o.get("deadLetter");
      if (!dl.isTextual() || dl.asText().isBlank()) {
        throw Problem.badRequest("'deadLetter' must be a queue name, got " + dl);
      }
      b.deadLetterQueue(dl.asText());
    }
    List<String> bindings = new ArrayList<>();
    if (o.has("bindings")) {
      if (!(o.get("bindings") instanceof ArrayNode array)) {
        throw Problem.badRequest(
            "'bindings' must be an array of patterns, got " + o.get("bindings"));
      }
      for (JsonNode p : array) {
        String problem = p.isTextual() ? Topics.patternProblem(p.asText()) : "not a string";
        if (problem != null) {
          throw Problem.badRequest(
              "invalid binding pattern '" + p.asText(p.toString()) + "': " + problem);
        }
        bindings.add(p.asText());
        b.binding(p.asText());
      }
    }
    QueueDeclared declared = admin.declareQueue(b.build());
    audit.info(
        "key={} action=queue.declare target={} bindings={}",
        WarrenServer.keyName(ctx),
        name,
        bindings);
    ctx.status(declared.created() ? 201 : 200).json(queueJson(declared.queue()));
  }

  private void deleteQueue(Context ctx) {
    QueueInfo q = existing(ctx);
    admin.deleteQueue(q.name());
    audit.info(
        "key={} action=queue.delete target={} messages={}",
        WarrenServer.keyName(ctx),
        q.name(),
        q.messages());
    ctx.status(204);
  }

  private void purgeQueue(Context ctx) {
    QueueInfo q = existing(ctx);
    long purged = admin.purgeQueue(q.name());
    audit.info(
        "key={} action=queue.purge target={} purged={}",
        WarrenServer.keyName(ctx),
        q.name(),
        purged);
    ctx.json(Map.of("purged", purged));
  }

  private void sendToQueue(Context ctx) {
    String mediaType = CloudEventsHttp.mediaType(ctx.contentType());
    byte[] body = EventRoutes.Bodies.read(ctx, server.options().maxEventBytes());
    QueueInfo q = existing(ctx);
    String source = WarrenServer.key(ctx) == null ? null : WarrenServer.key(ctx).name();
    if (source == null) {
      source = server.warren().options().source();
    }
    Event event;
    if (mediaType.equals(CloudEventsHttp.STRUCTURED)) {
      event =
          CloudEventsHttp.structured(CloudEventsHttp.parseJson(body, "the request body"), source);
    } else if (ctx.header("ce-specversion") != null || ctx.header("ce-type") != null) {
      event =
          CloudEventsHttp.binary(
              ctx::header, ctx.headerMap().keySet(), ctx.contentType(), body, source);
    } else {
      throw new Problem(
          415,
          "unsupported content type '"
              + ctx.contentType()
              + "': send one event as "
              + CloudEventsHttp.STRUCTURED
              + " or in binary mode (ce-* headers)");
    }
    server.requireBroker();
    Event sent;
    try {
      sent =
          admin
              .send(q.name(), event)
              .get(server.options().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw server.publishTimedOut();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Problem.unavailable("interrupted while waiting for the broker", 1);
    }
    ctx.status(202).json(Map.of("ids", List.of(sent.id())));
  }

  private void peekQueue(Context ctx) {
    QueueInfo q = existing(ctx);
    List<ObjectNode> out = new ArrayList<>();
    for (QueuedMessage m : admin.peek(q.name(), limit(ctx))) {
      out.add(messageJson(m));
    }
    ctx.json(Map.of("messages", out));
  }

  private static ObjectNode messageJson(QueuedMessage m) {
    if (m.event() != null) {
      ObjectNode n = CloudEventsJson.toJson(m.event());
      n.put("redelivered", m.redelivered());
      return n;
    }
    // why: a queue may hold messages that are no CloudEvent at all; show them raw
    ObjectNode n = JsonDataCodec.MAPPER.createObjectNode();
    n.put("routingKey", m.routingKey());
    n.put("body", new String(m.body(), StandardCharsets.UTF_8));
    return n;
  }

  // --- subscriptions and dead letters

  private void listSubscriptions(Context ctx) {
    Map<String, SubscriptionHandle> running = new HashMap<>();
    for (SubscriptionHandle h : server.warren().subscriptions()) {
      running.put(h.subscription().name(), h);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (SubscriptionInfo s : admin.subscriptions()) {
      SubscriptionHandle h = running.get(s.name());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("patterns", h != null ? h.subscription().patterns() : s.patterns());
      Subscription.Mode mode = h != null ? h.subscription().mode() : s.mode();
      m.put("mode", mode == null ? null : mode.name().toLowerCase(Locale.ROOT));
      m.put("queue", h != null ? h.queue() : s.queues().isEmpty() ? null : s.queues().get(0));
      m.put("queues", s.queues());
      m.put("active", h != null && h.isActive());
      m.put("runningHere", s.runningHere());
      m.put("ready", s.ready());
      m.put("unacknowledged", s.unacknowledged());
      m.put("consumers", s.consumers());
      m.put("deadLetters", s.deadLetters());
      m.put("waiting", s.waiting());
      if (s.rates().known()) {
        m.put("rates", ratesJson(s.rates()));
      }
      out.add(m);
    }
    ctx.json(Map.of("subscriptions", out));
  }

  private void peekDead(Context ctx) {
    DeadLetters dlq = deadLetters(ctx);
    // why: counted before the peek; on RabbitMQ a peek takes the messages and returns them, and the
    // broker may report the queue's depth before the returned ones are counted again
    long count = dlq.count();
    List<Map<String, Object>> out = new ArrayList<>();
    for (DeadLetter d : dlq.peek(limit(ctx))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", d.id());
      m.put("routingKey", d.routingKey());
      m.put("attempts", d.attempts());
      m.put("errorType", d.errorType());
      m.put("errorMessage", d.errorMessage());
      m.put("firstFailure", d.firstFailure() == null ? null : d.firstFailure().toString());
      m.put("lastFailure", d.lastFailure() == null ? null : d.lastFailure().toString());
      m.put("replays", d.replays());
      m.put("event", d.event() == null ? null : CloudEventsJson.toJson(d.event()));
      out.add(m);
    }
    ctx.json(Map.of("count", Math.max(count, out.size()), "deadLetters", out));
  }

  private void replayDead(Context ctx) {
    DeadLetters dlq = deadLetters(ctx);
    byte[] body = EventRoutes.Bodies.read(ctx, server.options().maxEventBytes());
    long replayed;
    JsonNode parsed = body.length == 0 ? null : CloudEventsHttp.parseJson(body, "the request body");
    if (parsed == null || (parsed instanceof ObjectNode o && o.isEmpty())) {
      // why: no body and {} both mean "everything"
      replayed = dlq.replay();
    } else {
      JsonNode node = parsed;
      JsonNode ids = node.get("ids");
      if (!(node instanceof ObjectNode) || !(ids instanceof ArrayNode array)) {
        throw Problem.badRequest(
            "the replay body must be {\"ids\":[...]} or empty, got "
                + CloudEventsHttp.shorten(node.toString()));
      }
      List<String> list = new ArrayList<>();
      for (JsonNode id : array) {
        if (!id.isTextual()) {
          throw Problem.badRequest("dead-letter id " + id + " is not a string");
        }
        list.add(id.asText());
      }
      replayed = dlq.replay(list);
    }
    audit.info(
        "key={} action=dead-letters.replay target={} replayed={}",
        WarrenServer.keyName(ctx),
        dlq.subscription(),
        replayed);
    ctx.json(Map.of("replayed", replayed));
  }

  private void purgeDead(Context ctx) {
    DeadLetters dlq = deadLetters(ctx);
    long purged = dlq.purge();
    audit.info(
        "key={} action=dead-letters.purge target={} purged={}",
        WarrenServer.keyName(ctx),
        dlq.subscription(),
        purged);
    ctx.json(Map.of("purged", purged));
  }

  private DeadLetters deadLetters(Context ctx) {
    String name = ctx.pathParam("name");
    try {
      Subscription.named(name);
    } catch (InvalidInputException e) {
      throw Problem.badRequest(e.getMessage());
    }
    try {
      return server.warren().deadLetters(name);
    } catch (InvalidInputException e) {
      throw Problem.notFound(
          "no dead-letter queue for subscription '" + name + "': " + e.getMessage());
    }
  }

  // --- helpers

  private QueueInfo existing(Context ctx) {
    String name = queueName(ctx);
    return admin.queue(name).orElseThrow(() -> Problem.notFound("no queue named '" + name + "'"));
  }

  private static String queueName(Context ctx) {
    String name = ctx.pathParam("name");
    if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw Problem.badRequest(
          "invalid queue name '" + CloudEventsHttp.shorten(name) + "': longer than 255 bytes");
    }
    // why: the admin API's rules (not blank, no control character, no 'amq.' prefix), checked
    // before anything else is read; a failure is an InvalidInputException, a 400
    QueueDefinition.checkName("queue", name);
    return name;
  }

  private static int limit(Context ctx) {
    String raw = ctx.queryParam("limit");
    if (raw == null) {
      return 10;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest(
        "invalid limit '" + CloudEventsHttp.shorten(raw) + "': use 1 to " + MAX_LIMIT);
  }

  private static long positiveLong(ObjectNode o, String field) {
    JsonNode v = o.get(field);
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 1) {
      throw Problem.badRequest("'" + field + "' must be a positive integer, got " + v);
    }
    return v.asLong();
  }

  private static boolean bool(ObjectNode o, String field, boolean fallback) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw Problem.badRequest("'" + field + "' must be true or false, got " + v);
    }
    return v.asBoolean();
  }

  private static Map<String, Object> queueJson(QueueInfo q) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", q.name());
    m.put("messages", q.messages());
    m.put("unacknowledged", q.unacknowledged());
    m.put("consumers", q.consumers());
    m.put("durable", q.durable());
    m.put("arguments", q.arguments());
    if (q.rates().known()) {
      m.put("rates", ratesJson(q.rates()));
    }
    return m;
  }

  private static Map<String, Object> ratesJson(MessageRates r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("published", Double.isNaN(r.published()) ? null : r.published());
    m.put("delivered", Double.isNaN(r.delivered()) ? null : r.delivered());
    m.put("acknowledged", Double.isNaN(r.acknowledged()) ? null : r.acknowledged());
    return m;
  }
}
