package dev.warren.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.lineage.Delivery;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Outcome;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Lineage in Redis, every key expiring after the TTL ({@code ?lineageTtl=7d} in the URL, 7 days by
 * default) counted from its last write. Under the prefix ({@code warren:} or {@code ?prefix=}):
 * {@code lineage:e:<id>} the event as JSON (set once), {@code lineage:s:<id>} a list of its steps
 * as JSON, {@code lineage:c:<parent>} and {@code lineage:k:<correlation>} sorted sets of event ids
 * scored by event time.
 */
public final class RedisLineageStore implements LineageStore {
  /** How long lineage is kept when the URL does not say. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);

  private static final Pattern PREFIX = Pattern.compile("[?&]prefix=([^&]*)");
  private static final Pattern TTL = Pattern.compile("[?&]lineageTtl=([^&]*)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JedisPooled redis;
  private final String prefix;
  private final long ttlSeconds;
  private final String description;

  private RedisLineageStore(JedisPooled redis, String prefix, Duration ttl, String description) {
    this.redis = redis;
    this.prefix = prefix + "lineage:";
    this.ttlSeconds = Math.max(1, ttl.toSeconds());
    this.description = description;
  }

  /**
   * Connects and checks the server answers.
   *
   * @param url a {@code redis://} or {@code rediss://} URL, optionally with {@code ?prefix=} and
   *     {@code lineageTtl=}
   * @return a ready store
   * @throws WarrenException when Redis cannot be reached or the URL is invalid
   */
  public static RedisLineageStore connect(String url) {
    Matcher m = PREFIX.matcher(url);
    String prefix = m.find() ? m.group(1) : RedisTaskStore.DEFAULT_PREFIX;
    Matcher t = TTL.matcher(url);
    Duration ttl = t.find() ? WarrenOptions.parseDuration("lineageTtl", t.group(1)) : DEFAULT_TTL;
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    JedisPooled redis;
    URI uri;
    try {
      uri = new URI(base);
    } catch (java.net.URISyntaxException e) {
      throw new WarrenException("invalid Redis URL for the lineage store: " + e.getMessage(), e);
    }
    String description =
        "redis " + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()) + " " + prefix;
    try {
      redis = new JedisPooled(uri);
      redis.ping();
    } catch (JedisException | IllegalArgumentException e) {
      throw new WarrenException(
          "cannot connect to the Redis lineage store " + description + ": " + e.getMessage(), e);
    }
    return new RedisLineageStore(redis, prefix, ttl, description);
  }

  private WarrenException failure(String what, RuntimeException e) {
    return new WarrenException(
        "Redis lineage store " + description + ": cannot " + what + ": " + e.getMessage(), e);
  }

  @Override
  public void write(List<LineageWrite> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      // first the events, set only if new: the indexes follow the first write, as in every store
      List<EventRecord> events = new ArrayList<>();
      List<Response<String>> created = new ArrayList<>();
      try (AbstractPipeline p = redis.pipelined()) {
        for (LineageWrite w : batch) {
          if (w instanceof LineageWrite.EventSeen s) {
            events.add(s.event());
            created.add(
                p.set(
                    prefix + "e:" + s.eventId(),
                    eventJson(s.event()),
                    SetParams.setParams().nx().ex(ttlSeconds)));
          }
        }
        p.sync();
      }
      try (AbstractPipeline p = redis.pipelined()) {
        for (int i = 0; i < events.size(); i++) {
          if (!"OK".equals(created.get(i).get())) {
            continue;
          }
          EventRecord e = events.get(i);
          double score = e.time().toEpochMilli();
          for (String parent : e.parentIds()) {
            index(p, prefix + "c:" + parent, score, e.id());
          }
          index(p, prefix + "k:" + e.correlationId(), score, e.id());
        }
        for (LineageWrite w : batch) {
          if (w instanceof LineageWrite.StepTaken s) {
            String key = prefix + "s:" + s.eventId();
            p.rpush(key, stepJson(s.subscription(), s.step()));
            p.expire(key, ttlSeconds);
          }
        }
        p.sync();
      }
    } catch (JedisException e) {
      throw failure("write " + batch.size() + " lineage record(s)", e);
    }
  }

  private void index(AbstractPipeline p, String key, double score, String id) {
    p.zadd(key, score, id);
    p.expire(key, ttlSeconds);
  }

  @Override
  public Optional<EventRecord> event(String eventId) {
    return read(List.of(eventId), "read event " + eventId).stream().findFirst();
  }

  @Override
  public List<EventRecord> children(String parentId, int limit) {
    return range(prefix + "c:" + parentId, limit, "read the children of " + parentId);
  }

  @Override
  public List<EventRecord> correlation(String correlationId, int limit) {
    return range(prefix + "k:" + correlationId, limit, "read correlation " + correlationId);
  }

  private List<EventRecord> range(String key, int limit, String what) {
    List<String> ids;
    try {
      ids = redis.zrange(key, 0, limit - 1);
    } catch (JedisException e) {
      throw failure(what, e);
    }
    List<EventRecord> out = new ArrayList<>(read(ids, what));
    // why: the score has millisecond precision; order exactly as the other stores do
    out.sort(java.util.Comparator.comparing(EventRecord::time).thenComparing(EventRecord::id));
    return out;
  }

  private List<EventRecord> read(List<String> ids, String what) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Response<String>> events = new ArrayList<>();
    List<Response<List<String>>> steps = new ArrayList<>();
    try (AbstractPipeline p = redis.pipelined()) {
      for (String id : ids) {
        events.add(p.get(prefix + "e:" + id));
        steps.add(p.lrange(prefix + "s:" + id, 0, -1));
      }
      p.sync();
    } catch (JedisException e) {
      throw failure(what, e);
    }
    List<EventRecord> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      String json = events.get(i).get();
      if (json != null) {
        out.add(parseEvent(json).withDeliveries(deliveries(steps.get(i).get())));
      }
    }
    return out;
  }

  private static String eventJson(EventRecord e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", e.id());
    n.put("type", e.type());
    n.put("source", e.source());
    n.put("time", e.time().toString());
    n.put("correlationId", e.correlationId());
    ArrayNode parents = n.putArray("parentIds");
    e.parentIds().forEach(parents::add);
    n.put("size", e.size());
    return n.toString();
  }

  private static EventRecord parseEvent(String json) {
    JsonNode n = parse(json);
    List<String> parents = new ArrayList<>();
    n.path("parentIds").forEach(p -> parents.add(p.asText()));
    return new EventRecord(
        n.path("id").asText(),
        n.path("type").asText(),
        n.path("source").isNull() ? null : n.path("source").asText(null),
        Instant.parse(n.path("time").asText()),
        n.path("correlationId").asText(null),
        parents,
        n.path("size").asLong(),
        List.of());
  }

  private static String stepJson(String subscription, DeliveryStep s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("subscription", subscription);
    n.put("outcome", s.outcome().name());
    n.put("at", s.at().toString());
    n.put("attempts", s.attempts());
    n.put("nanos", s.duration().toNanos());
    if (s.error() != null) {
      n.put("error", s.error());
    }
    return n.toString();
  }

  private static List<Delivery> deliveries(List<String> stepJson) {
    Map<String, List<DeliveryStep>> bySubscription = new LinkedHashMap<>();
    for (String json : stepJson) {
      JsonNode n = parse(json);
      bySubscription
          .computeIfAbsent(n.path("subscription").asText(), k -> new ArrayList<>())
          .add(
              new DeliveryStep(
                  Outcome.valueOf(n.path("outcome").asText()),
                  Instant.parse(n.path("at").asText()),
                  n.path("attempts").asLong(),
                  Duration.ofNanos(n.path("nanos").asLong()),
                  n.hasNonNull("error") ? n.get("error").asText() : null));
    }
    List<Delivery> out = new ArrayList<>();
    bySubscription.forEach((s, l) -> out.add(Delivery.of(s, l)));
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new WarrenException("unreadable lineage record in Redis: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
