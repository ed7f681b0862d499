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
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.server.WarrenServer.Access;
import dev.warren.transport.Delivery;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Queues, subscriptions and dead letters: the {@code admin} scope's routes. */
final class AdminRoutes {
  private static final Logger audit = LoggerFactory.getLogger("dev.warren.audit");
  private static final Set<String> QUEUE_FIELDS =
      Set.of("durable", "exclusive", "autoDelete", "bindings", "ttl", "maxLength", "deadLetter");
  private static final int MAX_LIMIT = 1000;

  private final WarrenServer server;
  private final Transport transport;

  AdminRoutes(WarrenServer server) {
    this.server = server;
    this.transport = server.warren().transport();
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
    for (QueueInfo q : transport.listQueues()) {
      out.add(queueJson(q));
    }
    ctx.json(Map.of("queues", out));
  }

  private void queueInfo(Context ctx) {
    ctx.json(queueJson(existing(ctx)));
  }

  private void declareQueue(Context ctx) {
    String name = queueName(ctx);
    if (name.startsWith("amq.")) {
      throw Problem.badRequest("invalid queue name '" + name + "': 'amq.' names are reserved");
    }
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
    Map<String, Object> args = new LinkedHashMap<>();
    if (o.has("ttl")) {
      args.put(QueueSpec.MESSAGE_TTL, positiveLong(o, "ttl"));
    }
    if (o.has("maxLength")) {
      args.put(QueueSpec.MAX_LENGTH, positiveLong(o, "maxLength"));
    }
    if (o.has("deadLetter")) {
      JsonNode dl = o.get("deadLetter");
      if (!dl.isTextual() || dl.asText().isBlank()) {
        throw Problem.badRequest("'deadLetter' must be a queue name, got " + dl);
      }
      args.put(QueueSpec.DEAD_LETTER_EXCHANGE, "");
      args.put(QueueSpec.DEAD_LETTER_ROUTING_KEY, dl.asText());
    }
    List<String> bindings = new ArrayList<>();
    if (o.has("bindings")) {
      if (!(o.get("bindings") instanceof ArrayNode array)) {
        throw Problem.badRequest(
            "'bindings' must be an array of patterns, got " + o.get("bindings"));
      }
      for (JsonNode b : array) {
        String problem = b.isTextual() ? Topics.patternProblem(b.asText()) : "not a string";
        if (problem != null) {
          throw Problem.badRequest(
              "invalid binding pattern '" + b.asText(b.toString()) + "': " + problem);
        }
        bindings.add(b.asText());
      }
    }
    QueueSpec spec =
        new QueueSpec(
            name,
            bool(o, "durable", true),
            bool(o, "exclusive", false),
            bool(o, "autoDelete", false),
            args);
    boolean existed = transport.queueInfo(name).isPresent();
    transport.declareQueue(spec);
    for (String pattern : bindings) {
      transport.bind(name, server.warren().options().exchange(), pattern);
    }
    audit.info(
        "key={} action=queue.declare target={} bindings={}",
        WarrenServer.keyName(ctx),
        name,
        bindings);
    ctx.status(existed ? 200 : 201).json(queueJson(transport.queueInfo(name).orElseThrow()));
  }

  private void deleteQueue(Context ctx) {
    QueueInfo q = existing(ctx);
    transport.deleteQueue(q.name());
    audit.info(
        "key={} action=queue.delete target={} messages={}",
        WarrenServer.keyName(ctx),
        q.name(),
        q.messages());
    ctx.status(204);
  }

  private void purgeQueue(Context ctx) {
    QueueInfo q = existing(ctx);
    long purged = transport.purgeQueue(q.name());
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
          CloudEventsHttp.structured(
              CloudEventsHttp.parseJson(body, "the request body"), source, "the event");
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
    server
        .warren()
        .transport()
        .publish("", q.name(), AmqpBinding.toMessage(event, Map.of()))
        .join();
    ctx.status(202).json(Map.of("ids", List.of(event.id())));
  }

  private void peekQueue(Context ctx) {
    QueueInfo q = existing(ctx);
    int limit = limit(ctx);
    List<Delivery> taken = new ArrayList<>();
    List<ObjectNode> out = new ArrayList<>();
    try {
      while (taken.size() < limit) {
        Optional<Delivery> d = transport.get(q.name());
        if (d.isEmpty()) {
          break;
        }
        taken.add(d.get());
        out.add(messageJson(d.get()));
      }
    } finally {
      // why: requeued messages go back to the head; the last first keeps the original order
      for (int i = taken.size() - 1; i >= 0; i--) {
        taken.get(i).reject(true);
      }
    }
    ctx.json(Map.of("messages", out));
  }

  private static ObjectNode messageJson(Delivery d) {
    try {
      ObjectNode n = CloudEventsHttp.toJson(AmqpBinding.toEvent(d.message(), d.routingKey(), null));
      n.put("redelivered", d.redelivered());
      return n;
    } catch (InvalidInputException e) {
      // why: a queue may hold messages that are no CloudEvent at all; show them raw
      ObjectNode n = JsonDataCodec.MAPPER.createObjectNode();
      n.put("routingKey", d.routingKey());
      n.put("body", new String(d.message().body(), StandardCharsets.UTF_8));
      return n;
    }
  }

  // --- subscriptions and dead letters

  private void listSubscriptions(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SubscriptionHandle h : server.warren().subscriptions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", h.subscription().name());
      m.put("patterns", h.subscription().patterns());
      m.put("mode", h.subscription().mode().name().toLowerCase(java.util.Locale.ROOT));
      m.put("queue", h.queue());
      m.put("active", h.isActive());
      out.add(m);
    }
    ctx.json(Map.of("subscriptions", out));
  }

  private void peekDead(Context ctx) {
    DeadLetters dlq = deadLetters(ctx);
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
      m.put("event", CloudEventsHttp.toJson(d.event()));
      out.add(m);
    }
    ctx.json(Map.of("count", dlq.count(), "deadLetters", out));
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
    return transport
        .queueInfo(name)
        .orElseThrow(() -> Problem.notFound("no queue named '" + name + "'"));
  }

  private static String queueName(Context ctx) {
    String name = ctx.pathParam("name");
    if (name.isBlank()) {
      throw Problem.badRequest("invalid queue name '" + name + "': it is blank");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw Problem.badRequest(
          "invalid queue name '" + CloudEventsHttp.shorten(name) + "': longer than 255 bytes");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw Problem.badRequest("invalid queue name: control character at position " + i);
      }
    }
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
    m.put("consumers", q.consumers());
    m.put("durable", q.durable());
    m.put("arguments", q.arguments());
    return m;
  }
}
