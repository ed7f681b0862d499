package dev.warren.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.codec.JsonDataCodec;
import dev.warren.schedules.Firing;
import dev.warren.schedules.FiringState;
import dev.warren.schedules.MissedSlots;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.spi.ScheduleStore;
import dev.warren.tasks.TaskStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Schedules in Redis. Hash {@code <prefix>schedule:<name>} holds a schedule (set {@code
 * <prefix>schedules} names them); hash {@code <prefix>schedule-firings:<name>} its firings as JSON,
 * ordered by the sorted set {@code <prefix>schedule-slots:<name>}; the sorted set {@code
 * <prefix>schedule-claimed} indexes unfinished claims by claim time. Claims and take-overs are Lua
 * scripts, so the compare (slot after {@code last_slot}, claim still stale) and the write are one
 * atomic step on the server.
 */
public final class RedisScheduleStore implements ScheduleStore {

  private static final String CLAIM =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      if ARGV[2] == '1' then
        if redis.call('HEXISTS', KEYS[2], ARGV[3]) == 1 then return 0 end
      else
        local last = redis.call('HGET', KEYS[1], 'last_slot')
        if last and last ~= '' and tonumber(last) >= tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'last_slot', ARGV[1])
      end
      redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
      redis.call('ZADD', KEYS[3], ARGV[1], ARGV[3])
      if ARGV[6] == 'CLAIMED' then redis.call('ZADD', KEYS[4], ARGV[7], ARGV[8] .. '\\n' .. ARGV[3]) end
      local keep = tonumber(ARGV[5])
      local n = redis.call('ZCARD', KEYS[3])
      if n > keep then
        local old = redis.call('ZRANGE', KEYS[3], 0, n - keep - 1)
        for _, m in ipairs(old) do
          redis.call('HDEL', KEYS[2], m)
          redis.call('ZREM', KEYS[4], ARGV[8] .. '\\n' .. m)
          redis.call('ZREM', KEYS[3], m)
        end
      end
      return 1
      """;

  private static final String TAKE_OVER =
      """
      local json = redis.call('HGET', KEYS[1], ARGV[1])
      if not json then return 0 end
      local f = cjson.decode(json)
      if f.state ~= 'CLAIMED' or tonumber(f.at) >= tonumber(ARGV[4]) then return 0 end
      f.instance = ARGV[2]
      f.at = ARGV[3]
      redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(f))
      redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
      return 1
      """;

  private static final String COMPLETE =
      """
      if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      if ARGV[3] ~= 'CLAIMED' then redis.call('ZREM', KEYS[2], ARGV[4]) end
      return 1
      """;

  private static final String SET_PAUSED =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[1], 'paused', ARGV[1])
      if ARGV[1] == '0' then redis.call('HSET', KEYS[1], 'resumed_at', ARGV[2]) end
      return 1
      """;

  private final JedisPooled redis;
  private final String prefix;
  private final String description;

  private RedisScheduleStore(JedisPooled redis, String prefix, String description) {
    this.redis = redis;
    this.prefix = prefix;
    this.description = description;
  }

  /**
   * Connects and checks the server answers.
   *
   * @param url a {@code redis://} or {@code rediss://} URL, optionally with {@code ?prefix=}
   * @return a ready store
   * @throws TaskStoreException when Redis cannot be reached or the URL is invalid
   */
  public static RedisScheduleStore connect(String url) {
    RedisUrl redis = RedisUrl.parse(url, "schedule store");
    return new RedisScheduleStore(
        redis.connect("schedule store"), redis.prefix(), redis.description());
  }

  @Override
  public String describe() {
    return description;
  }

  private String scheduleKey(String name) {
    return prefix + "schedule:" + name;
  }

  private String namesKey() {
    return prefix + "schedules";
  }

  private String firingsKey(String name) {
    return prefix + "schedule-firings:" + name;
  }

  private String slotsKey(String name) {
    return prefix + "schedule-slots:" + name;
  }

  private String claimedKey() {
    return prefix + "schedule-claimed";
  }

  private static String member(Instant slot, boolean manual) {
    return String.format("%015d:%s", slot.toEpochMilli(), manual ? "m" : "s");
  }

  @Override
  public ScheduleInfo upsert(ScheduleInfo s) {
    Map<String, String> definition = new HashMap<>();
    definition.put("cron", s.cron() == null ? "" : s.cron());
    definition.put("zone", s.zone());
    definition.put(
        "interval_ms", s.interval() == null ? "" : Long.toString(s.interval().toMillis()));
    definition.put("task", s.task());
    definition.put("args", s.args() == null ? "" : s.args());
    definition.put("has_args", s.args() == null ? "0" : "1");
    definition.put("queue", s.queue());
    definition.put("missed", s.missedSlots().name());
    definition.put("history", Integer.toString(s.history()));
    String key = scheduleKey(s.name());
    try {
      redis.hset(key, definition);
      // why: a redefinition keeps what the store learnt since the first one
      redis.hsetnx(key, "paused", s.paused() ? "1" : "0");
      redis.hsetnx(key, "created_at", Long.toString(s.createdAt().toEpochMilli()));
      redis.sadd(namesKey(), s.name());
    } catch (JedisException e) {
      throw failure("store schedule " + s.name(), e);
    }
    return get(s.name()).orElseThrow(() -> failure("read back schedule " + s.name(), null));
  }

  @Override
  public Optional<ScheduleInfo> get(String name) {
    Map<String, String> h;
    try {
      h = redis.hgetAll(scheduleKey(name));
    } catch (JedisException e) {
      throw failure("read schedule " + name, e);
    }
    if (h == null || h.isEmpty() || !h.containsKey("created_at")) {
      return Optional.empty();
    }
    return Optional.of(
        new ScheduleInfo(
            name,
            blankToNull(h.get("cron")),
            h.get("zone"),
            h.get("interval_ms").isEmpty()
                ? null
                : Duration.ofMillis(Long.parseLong(h.get("interval_ms"))),
            h.get("task"),
            "1".equals(h.get("has_args")) ? h.get("args") : null,
            h.get("queue"),
            MissedSlots.valueOf(h.get("missed")),
            Integer.parseInt(h.get("history")),
            "1".equals(h.get("paused")),
            millis(h.get("created_at")),
            millis(h.get("resumed_at")),
            millis(h.get("last_slot")),
            null));
  }

  @Override
  public List<ScheduleInfo> list() {
    List<String> names;
    try {
      names = new ArrayList<>(redis.smembers(namesKey()));
    } catch (JedisException e) {
      throw failure("list schedules", e);
    }
    names.sort(null);
    List<ScheduleInfo> out = new ArrayList<>();
    for (String name : names) {
      get(name).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public Optional<ScheduleInfo> setPaused(String name, boolean paused, Instant at) {
    Object done;
    try {
      done =
          redis.eval(
              SET_PAUSED,
              List.of(scheduleKey(name)),
              List.of(paused ? "1" : "0", Long.toString(at.toEpochMilli())));
    } catch (JedisException e) {
      throw failure((paused ? "pause" : "resume") + " schedule " + name, e);
    }
    return Long.valueOf(1).equals(done) ? get(name) : Optional.empty();
  }

  @Override
  public boolean delete(String name) {
    try {
      for (String m : redis.hkeys(firingsKey(name))) {
        redis.zrem(claimedKey(), name + "\n" + m);
      }
      redis.del(firingsKey(name), slotsKey(name));
      redis.srem(namesKey(), name);
      return redis.del(scheduleKey(name)) == 1;
    } catch (JedisException e) {
      throw failure("delete schedule " + name, e);
    }
  }

  @Override
  public boolean claim(Firing f, int keep) {
    Object won;
    try {
      won =
          redis.eval(
              CLAIM,
              List.of(
                  scheduleKey(f.schedule()),
                  firingsKey(f.schedule()),
                  slotsKey(f.schedule()),
                  claimedKey()),
              List.of(
                  Long.toString(f.slot().toEpochMilli()),
                  f.manual() ? "1" : "0",
                  member(f.slot(), f.manual()),
                  write(f),
                  Integer.toString(keep),
                  f.state().name(),
                  Long.toString(f.at().toEpochMilli()),
                  f.schedule()));
    } catch (JedisException e) {
      throw failure("claim slot " + f.slot() + " of schedule " + f.schedule(), e);
    }
    return Long.valueOf(1).equals(won);
  }

  @Override
  public boolean takeOver(
      String schedule,
      Instant slot,
      boolean manual,
      String instance,
      Instant at,
      Instant staleBefore) {
    String m = member(slot, manual);
    Object done;
    try {
      done =
          redis.eval(
              TAKE_OVER,
              List.of(firingsKey(schedule), claimedKey()),
              List.of(
                  m,
                  instance,
                  Long.toString(at.toEpochMilli()),
                  Long.toString(staleBefore.toEpochMilli()),
                  schedule + "\n" + m));
    } catch (JedisException e) {
      throw failure("take over slot " + slot + " of schedule " + schedule, e);
    }
    return Long.valueOf(1).equals(done);
  }

  @Override
  public void complete(Firing f) {
    String m = member(f.slot(), f.manual());
    try {
      redis.eval(
          COMPLETE,
          List.of(firingsKey(f.schedule()), claimedKey()),
          List.of(m, write(f), f.state().name(), f.schedule() + "\n" + m));
    } catch (JedisException e) {
      throw failure("record slot " + f.slot() + " of schedule " + f.schedule(), e);
    }
  }

  @Override
  public List<Firing> stalled(Instant staleBefore) {
    List<Firing> out = new ArrayList<>();
    try {
      for (String entry :
          redis.zrangeByScore(claimedKey(), "-inf", "(" + staleBefore.toEpochMilli())) {
        int nl = entry.indexOf('\n');
        String json = redis.hget(firingsKey(entry.substring(0, nl)), entry.substring(nl + 1));
        if (json == null) {
          redis.zrem(claimedKey(), entry);
        } else {
          Firing f = read(json);
          if (f.state() == FiringState.CLAIMED) {
            out.add(f);
          }
        }
      }
    } catch (JedisException e) {
      throw failure("list stalled firings", e);
    }
    return out;
  }

  @Override
  public List<Firing> history(String schedule, int limit) {
    List<Firing> out = new ArrayList<>();
    try {
      List<String> members = redis.zrevrange(slotsKey(schedule), 0, limit - 1L);
      if (members.isEmpty()) {
        return out;
      }
      List<String> jsons = redis.hmget(firingsKey(schedule), members.toArray(new String[0]));
      for (String json : jsons) {
        if (json != null) {
          out.add(read(json));
        }
      }
    } catch (JedisException e) {
      throw failure("read the history of schedule " + schedule, e);
    }
    // why: one slot may hold a planned and a manual firing; the planned one first, as elsewhere
    out.sort(java.util.Comparator.comparing(Firing::slot).reversed().thenComparing(Firing::manual));
    return out;
  }

  private static String write(Firing f) {
    ObjectNode o = JsonDataCodec.MAPPER.createObjectNode();
    o.put("schedule", f.schedule());
    // why: as text, so Lua's cjson keeps every digit of the milliseconds
    o.put("slot", Long.toString(f.slot().toEpochMilli()));
    o.put("manual", f.manual());
    o.put("state", f.state().name());
    o.put("taskId", f.taskId());
    o.put("instance", f.instance());
    o.put("at", Long.toString(f.at().toEpochMilli()));
    o.put("detail", f.detail());
    return o.toString();
  }

  private static Firing read(String json) {
    JsonNode o;
    try {
      o = JsonDataCodec.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new TaskStoreException("a stored schedule firing is not JSON: " + e.getMessage(), e);
    }
    return new Firing(
        o.path("schedule").asText(),
        Instant.ofEpochMilli(Long.parseLong(o.path("slot").asText())),
        o.path("manual").asBoolean(),
        FiringState.valueOf(o.path("state").asText()),
        text(o, "taskId"),
        o.path("instance").asText(),
        Instant.ofEpochMilli(Long.parseLong(o.path("at").asText())),
        text(o, "detail"));
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static Instant millis(String s) {
    return s == null || s.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(s));
  }

  private TaskStoreException failure(String what, JedisException e) {
    return new TaskStoreException(
        "Redis schedule store "
            + description
            + ": cannot "
            + what
            + (e == null ? "" : ": " + e.getMessage()),
        e);
  }

  @Override
  public void close() {
    redis.close();
  }
}
