package dev.warren.redis;

import dev.warren.tasks.TaskLimitUsage;
import dev.warren.tasks.TaskLimits;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.TaskLimitStore;
import dev.warren.tasks.spi.TaskPermit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ZAddParams;

/**
 * Task limits in Redis, beside the task store's keys: the hash {@code <prefix>limits} holds each
 * name's limits; per name, the sorted set {@code <prefix>limit:<name>:running} holds the permits
 * (task id, scored by the end of its lease), {@code <prefix>limit:<name>:key:<key>} the same per
 * limit key, {@code <prefix>limit:<name>:starts} the start times within the rate window, and {@code
 * <prefix>limit:<name>:deferred} counts refusals. One Lua script checks and takes a permit, so two
 * workers never both get the last one; it reads the time from Redis ({@code TIME}), so the rate
 * window is counted on one clock whatever the workers' clocks say, at the moment of the grant.
 */
final class RedisTaskLimitStore implements TaskLimitStore {
  // why: one script, so the check and the take are atomic across every worker on this Redis
  private static final String ACQUIRE =
      """
      local running, keyz, starts, deferred, holderkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local lease = now + tonumber(ARGV[2]) - tonumber(ARGV[1])
      local rate, per = tonumber(ARGV[3]), tonumber(ARGV[4])
      local conc, perkey = tonumber(ARGV[5]), tonumber(ARGV[6])
      local holder, key, startid = ARGV[7], ARGV[8], ARGV[9]
      local lapsed = redis.call('ZRANGEBYSCORE', running, '-inf', now)
      if #lapsed > 0 then
        redis.call('ZREMRANGEBYSCORE', running, '-inf', now)
        redis.call('HDEL', holderkey, unpack(lapsed))
      end
      local tracked = conc > 0 or (perkey > 0 and key ~= '')
      local held = redis.call('ZSCORE', running, holder)
      if tracked and not held then
        if conc > 0 and redis.call('ZCARD', running) >= conc then
          redis.call('INCR', deferred)
          return {0, 'concurrency', 0}
        end
        if perkey > 0 and key ~= '' then
          redis.call('ZREMRANGEBYSCORE', keyz, '-inf', now)
          if redis.call('ZCARD', keyz) >= perkey then
            redis.call('INCR', deferred)
            return {0, 'key', 0}
          end
        end
      end
      if rate > 0 then
        redis.call('ZREMRANGEBYSCORE', starts, '-inf', now - per)
        if redis.call('ZCARD', starts) >= rate then
          local oldest = redis.call('ZRANGE', starts, 0, 0, 'WITHSCORES')
          redis.call('INCR', deferred)
          return {0, 'rate', tonumber(oldest[2]) + per - now}
        end
        redis.call('ZADD', starts, now, startid)
        redis.call('PEXPIRE', starts, per + 60000)
      end
      if tracked then
        redis.call('ZADD', running, lease, holder)
        if key ~= '' then
          redis.call('ZADD', keyz, lease, holder)
          redis.call('HSET', holderkey, holder, key)
        end
      end
      return {1, '', 0}
      """;

  private final JedisPooled redis;
  private final String prefix;
  private final String description;

  RedisTaskLimitStore(JedisPooled redis, String prefix, String description) {
    this.redis = redis;
    this.prefix = prefix;
    this.description = description;
  }

  private String limitsKey() {
    return prefix + "limits";
  }

  private String key(String name, String part) {
    return prefix + "limit:" + name + ":" + part;
  }

  private String keyKey(String name, String key) {
    return key(name, "key:" + (key == null ? "" : key));
  }

  @Override
  public void putLimits(String name, TaskLimits limits) {
    try {
      if (limits.isNone()) {
        redis.hdel(limitsKey(), name);
      } else {
        redis.hset(limitsKey(), name, encode(limits));
      }
    } catch (JedisException e) {
      throw failure("declare the limits of task " + name, e);
    }
  }

  @Override
  public Map<String, TaskLimits> limits() {
    try {
      Map<String, TaskLimits> out = new TreeMap<>();
      redis.hgetAll(limitsKey()).forEach((name, text) -> out.put(name, decode(text)));
      return out;
    } catch (JedisException e) {
      throw failure("read the task limits", e);
    }
  }

  @Override
  public TaskPermit acquire(
      String name, String key, String holder, TaskLimits limits, Instant now, Instant leaseUntil) {
    List<String> keys =
        List.of(
            key(name, "running"),
            keyKey(name, key),
            key(name, "starts"),
            key(name, "deferred"),
            key(name, "holders"));
    List<String> args =
        List.of(
            Long.toString(now.toEpochMilli()),
            Long.toString(leaseUntil.toEpochMilli()),
            Integer.toString(limits.rate()),
            Long.toString(limits.ratePer() == null ? 0 : limits.ratePer().toMillis()),
            Integer.toString(limits.concurrency()),
            Integer.toString(limits.perKeyConcurrency()),
            holder,
            key == null ? "" : key,
            holder + ":" + UUID.randomUUID());
    try {
      List<?> r = (List<?>) redis.eval(ACQUIRE, keys, args);
      if (((Long) r.get(0)) == 1L) {
        return TaskPermit.grant();
      }
      String which = String.valueOf(r.get(1));
      long wait = (Long) r.get(2);
      return switch (which) {
        case "rate" ->
            TaskPermit.deny(
                "rate limit " + limits.rateText() + " reached", Duration.ofMillis(wait + 1));
        case "key" ->
            TaskPermit.deny(
                "per-key concurrency " + limits.perKeyConcurrency() + " reached for key " + key,
                null);
        default -> TaskPermit.deny("concurrency " + limits.concurrency() + " reached", null);
      };
    } catch (JedisException e) {
      throw failure("take a permit for task " + holder, e);
    }
  }

  @Override
  public void renew(String name, String key, String holder, Instant leaseUntil) {
    try {
      double score = leaseUntil.toEpochMilli();
      redis.zadd(key(name, "running"), score, holder, ZAddParams.zAddParams().xx());
      if (key != null) {
        redis.zadd(keyKey(name, key), score, holder, ZAddParams.zAddParams().xx());
      }
    } catch (JedisException e) {
      throw failure("renew the permit of task " + holder, e);
    }
  }

  @Override
  public void release(String name, String key, String holder) {
    try {
      redis.zrem(key(name, "running"), holder);
      if (key != null) {
        redis.zrem(keyKey(name, key), holder);
        redis.hdel(key(name, "holders"), holder);
      }
    } catch (JedisException e) {
      throw failure("release the permit of task " + holder, e);
    }
  }

  @Override
  public TaskLimitUsage usage(String name, TaskLimits limits, Instant now) {
    try {
      long ms = now.toEpochMilli();
      List<String> holders =
          new ArrayList<>(redis.zrangeByScore(key(name, "running"), ms, Double.POSITIVE_INFINITY));
      Map<String, Integer> byKey = new HashMap<>();
      if (!holders.isEmpty()) {
        for (String k : redis.hmget(key(name, "holders"), holders.toArray(String[]::new))) {
          if (k != null) {
            byKey.merge(k, 1, Integer::sum);
          }
        }
      }
      int starts =
          limits.rate() == 0
              ? 0
              : (int)
                  redis.zcount(
                      key(name, "starts"),
                      "(" + (ms - limits.ratePer().toMillis()),
                      Long.toString(ms));
      String deferred = redis.get(key(name, "deferred"));
      return new TaskLimitUsage(
          name,
          limits,
          holders.size(),
          byKey,
          starts,
          deferred == null ? 0 : Long.parseLong(deferred));
    } catch (JedisException e) {
      throw failure("read the use of the limits of task " + name, e);
    }
  }

  static String encode(TaskLimits l) {
    return l.rate()
        + "|"
        + (l.ratePer() == null ? 0 : l.ratePer().toMillis())
        + "|"
        + l.concurrency()
        + "|"
        + l.perKeyConcurrency();
  }

  static TaskLimits decode(String text) {
    String[] p = text.split("\\|");
    int rate = Integer.parseInt(p[0]);
    return new TaskLimits(
        rate,
        rate == 0 ? null : Duration.ofMillis(Long.parseLong(p[1])),
        Integer.parseInt(p[2]),
        Integer.parseInt(p[3]));
  }

  private TaskStoreException failure(String what, JedisException e) {
    return new TaskStoreException(
        "cannot " + what + " in the task store " + description + ": " + e.getMessage(), e);
  }
}
