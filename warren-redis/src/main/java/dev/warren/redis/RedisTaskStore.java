package dev.warren.redis;

import dev.warren.codec.TaskStatusJson;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.TaskLookup;
import dev.warren.tasks.spi.TaskRevokes;
import dev.warren.tasks.spi.TaskStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Task state in Redis: key {@code <prefix>task:<id>} holds the whole {@link TaskStatus} as JSON,
 * key {@code <prefix>revoke:<id>} the revoke time; both expire by themselves ({@code PXAT}), so
 * {@link #purgeExpired} has nothing to do. The sorted set {@code <prefix>tasks} indexes task ids by
 * their last change for {@link #list}; ids whose task expired leave it when a listing meets them.
 * The sorted set {@code <prefix>revokes} is the revoke log ({@link #revokesAfter}): task ids scored
 * by a counter ({@code <prefix>revokes:seq}), written with the revoke in one script, and kept to
 * the last {@value #REVOKE_LOG_KEEP} entries. The prefix ({@code warren:} by default, {@code
 * ?prefix=} in the URL) lets several deployments share one Redis database.
 */
public final class RedisTaskStore implements TaskStore {
  /** The key prefix used when the URL gives none. */
  public static final String DEFAULT_PREFIX = "warren:";

  private static final int LIST_PAGE = 200;

  private final JedisPooled redis;
  private final String prefix;
  private final String description;
  private final RedisTaskLimitStore limits;

  private RedisTaskStore(JedisPooled redis, String prefix, String description) {
    this.redis = redis;
    this.prefix = prefix;
    this.description = description;
    this.limits = new RedisTaskLimitStore(redis, prefix, description);
  }

  /** Task limits live beside the tasks, under the same prefix ({@link RedisTaskLimitStore}). */
  @Override
  public Optional<dev.warren.tasks.spi.TaskLimitStore> limitStore() {
    return Optional.of(limits);
  }

  /**
   * Connects and checks the server answers.
   *
   * @param url a {@code redis://} or {@code rediss://} URL, optionally with {@code ?prefix=}
   * @return a ready store
   * @throws TaskStoreException when Redis cannot be reached or the URL is invalid
   */
  public static RedisTaskStore connect(String url) {
    RedisUrl parsed = RedisUrl.parse(url, "task store");
    JedisPooled redis = parsed.connect("task store");
    // why: through a pipeline, as every write goes; its first use loads and sets up the client's
    // pipelining (over a second on a busy machine), which belongs to connecting, not to a write
    try (Pipeline p = redis.pipelined()) {
      Response<Boolean> known = p.exists(parsed.prefix() + "tasks");
      p.sync();
      known.get();
    } catch (JedisException e) {
      redis.close();
      throw parsed.failure("task store", e);
    }
    return new RedisTaskStore(redis, parsed.prefix(), parsed.description());
  }

  @Override
  public String describe() {
    return description;
  }

  private String taskKey(String id) {
    return prefix + "task:" + id;
  }

  private String indexKey() {
    return prefix + "tasks";
  }

  private String revokeKey(String id) {
    return prefix + "revoke:" + id;
  }

  @Override
  public void put(TaskStatus status) {
    putAll(List.of(status));
  }

  /**
   * Writes all of them in one pipeline: one round trip, whatever their number (one {@code ZADD} for
   * the index, then a {@code SET} or {@code DEL} per task).
   */
  @Override
  public void putAll(Collection<TaskStatus> statuses) {
    if (statuses.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    Map<String, Double> index = new LinkedHashMap<>();
    List<String> gone = new ArrayList<>();
    for (TaskStatus status : statuses) {
      if (status.expiresAt() == null || status.expiresAt().isAfter(now)) {
        index.put(status.id(), (double) status.updatedAt().toEpochMilli());
      } else {
        gone.add(status.id());
      }
    }
    List<Response<?>> replies = new ArrayList<>();
    try (Pipeline p = redis.pipelined()) {
      // why: indexed before it is written, so a task that exists is always listable; an index
      // entry whose write failed is dropped by the next listing that meets it
      if (!index.isEmpty()) {
        replies.add(p.zadd(indexKey(), index));
      }
      for (TaskStatus status : statuses) {
        String key = taskKey(status.id());
        if (status.expiresAt() == null) {
          // why: a plain SET also clears a TTL left by an earlier write
          replies.add(p.set(key, TaskStatusJson.write(status)));
        } else if (status.expiresAt().isAfter(now)) {
          replies.add(
              p.set(
                  key,
                  TaskStatusJson.write(status),
                  SetParams.setParams().pxAt(status.expiresAt().toEpochMilli())));
        } else {
          replies.add(p.del(key));
        }
      }
      if (!gone.isEmpty()) {
        replies.add(p.zrem(indexKey(), gone.toArray(String[]::new)));
      }
      p.sync();
      for (Response<?> reply : replies) {
        reply.get(); // why: a command that failed inside the pipeline throws only here
      }
    } catch (JedisException e) {
      String what =
          statuses.size() == 1
              ? "store task " + statuses.iterator().next().id()
              : "store " + statuses.size() + " tasks";
      throw failure(what, e);
    }
  }

  /** One {@code MGET} of their status and revoke keys. */
  @Override
  public Map<String, TaskLookup> lookupAll(Collection<String> ids) {
    List<String> unique = List.copyOf(new LinkedHashSet<>(ids));
    if (unique.isEmpty()) {
      return Map.of();
    }
    String[] keys = new String[unique.size() * 2];
    for (int i = 0; i < unique.size(); i++) {
      keys[i] = taskKey(unique.get(i));
      keys[unique.size() + i] = revokeKey(unique.get(i));
    }
    List<String> values;
    try {
      values = redis.mget(keys);
    } catch (JedisException e) {
      throw failure("read " + unique.size() + " tasks", e);
    }
    Instant now = Instant.now();
    Map<String, TaskLookup> found = new HashMap<>();
    for (int i = 0; i < unique.size(); i++) {
      String id = unique.get(i);
      TaskStatus status = values.get(i) == null ? null : TaskStatusJson.read(values.get(i));
      if (status != null && status.expiresAt() != null && !status.expiresAt().isAfter(now)) {
        status = null;
      }
      Instant revoked = revokeTime(id, values.get(unique.size() + i));
      if (status != null || revoked != null) {
        found.put(id, new TaskLookup(status, revoked));
      }
    }
    return found;
  }

  private Instant revokeTime(String id, String at) {
    try {
      return at == null ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new TaskStoreException("unreadable revoke of task " + id + " in " + description, e);
    }
  }

  @Override
  public Optional<TaskStatus> get(String id) {
    String json;
    try {
      json = redis.get(taskKey(id));
    } catch (JedisException e) {
      throw failure("read task " + id, e);
    }
    if (json == null) {
      return Optional.empty();
    }
    TaskStatus s = TaskStatusJson.read(json);
    // why: Redis expires keys with millisecond precision; agree with the status to the nanosecond
    if (s.expiresAt() != null && !s.expiresAt().isAfter(Instant.now())) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  @Override
  public List<TaskStatus> list(Set<TaskState> states, String name, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more, not " + limit);
    }
    return list(states, name, null, null, limit);
  }

  /** Pages through the index by last change, newest first, within the query's range. */
  @Override
  public List<TaskStatus> list(
      Set<TaskState> states, String name, Instant since, Instant until, int limit) {
    dev.warren.admin.TaskQuery query =
        new dev.warren.admin.TaskQuery(states, name, since, until, limit);
    List<TaskStatus> out = new ArrayList<>();
    Instant now = Instant.now();
    // why: the index is scored by the last change in ms; until is exclusive, since inclusive
    String max = query.until() == null ? "+inf" : "(" + query.until().toEpochMilli();
    String min = query.since() == null ? "-inf" : Long.toString(query.since().toEpochMilli());
    try {
      for (int offset = 0; out.size() < query.limit(); offset += LIST_PAGE) {
        List<String> ids = redis.zrevrangeByScore(indexKey(), max, min, offset, LIST_PAGE);
        if (ids.isEmpty()) {
          break;
        }
        List<String> json = redis.mget(ids.stream().map(this::taskKey).toArray(String[]::new));
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < ids.size() && out.size() < query.limit(); i++) {
          TaskStatus s = json.get(i) == null ? null : TaskStatusJson.read(json.get(i));
          if (s == null || (s.expiresAt() != null && !s.expiresAt().isAfter(now))) {
            gone.add(ids.get(i));
          } else if (query.matches(s)) {
            out.add(s);
          }
        }
        if (!gone.isEmpty()) {
          redis.zrem(indexKey(), gone.toArray(String[]::new));
          offset -= gone.size(); // the page shifted by what was removed
        }
      }
    } catch (JedisException e) {
      throw failure("list tasks", e);
    }
    return out;
  }

  /** Entries the revoke log keeps: enough for any worker that reads it a few times a second. */
  static final int REVOKE_LOG_KEEP = 100_000;

  /** The revoke and its log entry at once, so no revoke is missing from the log. */
  private static final String REVOKE =
      "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PXAT', ARGV[2]) then"
          + "  local seq = redis.call('INCR', KEYS[3])"
          + "  redis.call('ZADD', KEYS[2], seq, ARGV[3])"
          + "  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -"
          + (REVOKE_LOG_KEEP + 1)
          + ")"
          + "  return 1 "
          + "end "
          + "return 0";

  private String revokeLogKey() {
    return prefix + "revokes";
  }

  @Override
  public boolean revoke(String id, Instant at, Instant keepUntil) {
    if (!keepUntil.isAfter(Instant.now())) {
      return revokedAt(id).isEmpty();
    }
    try {
      Object ok =
          redis.eval(
              REVOKE,
              List.of(revokeKey(id), revokeLogKey(), revokeLogKey() + ":seq"),
              List.of(at.toString(), Long.toString(keepUntil.toEpochMilli()), id));
      return Long.valueOf(1).equals(ok);
    } catch (JedisException e) {
      throw failure("revoke task " + id, e);
    }
  }

  /** The log's entries scored after the position, with their revoke times (one MGET). */
  @Override
  public Optional<TaskRevokes> revokesAfter(long after, int limit) {
    Map<String, Instant> page = new LinkedHashMap<>();
    long position = after;
    try {
      List<redis.clients.jedis.resps.Tuple> entries =
          redis.zrangeByScoreWithScores(revokeLogKey(), "(" + after, "+inf", 0, limit);
      if (!entries.isEmpty()) {
        List<String> times =
            redis.mget(entries.stream().map(t -> revokeKey(t.getElement())).toArray(String[]::new));
        for (int i = 0; i < entries.size(); i++) {
          String id = entries.get(i).getElement();
          position = (long) entries.get(i).getScore();
          Instant revoked = revokeTime(id, times.get(i));
          if (revoked != null) {
            page.put(id, revoked);
          }
        }
      }
    } catch (JedisException e) {
      throw failure("read the revokes after " + after, e);
    }
    return Optional.of(new TaskRevokes(page, position));
  }

  @Override
  public Optional<Instant> revokedAt(String id) {
    String at;
    try {
      at = redis.get(revokeKey(id));
    } catch (JedisException e) {
      throw failure("read the revoke of task " + id, e);
    }
    return Optional.ofNullable(revokeTime(id, at));
  }

  /** Redis expires the keys itself. */
  @Override
  public int purgeExpired(Instant now) {
    return 0;
  }

  private TaskStoreException failure(String what, JedisException e) {
    return new TaskStoreException(
        "cannot " + what + " in the task store " + description + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    redis.close();
  }
}
