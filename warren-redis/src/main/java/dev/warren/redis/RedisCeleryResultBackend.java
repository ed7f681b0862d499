package dev.warren.redis;

import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.spi.CeleryResultBackend;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Celery's Redis result backend, as {@code celery.backends.redis.RedisBackend} writes it: the meta
 * document under {@code celery-task-meta-<id>} with an expiry ({@code SETEX}), published on the
 * channel of the same name in the same transaction ({@code AsyncResult.get()} subscribes to it,
 * then reads the key once).
 */
public final class RedisCeleryResultBackend implements CeleryResultBackend {
  /** Celery's key prefix for task results. */
  public static final String KEY_PREFIX = "celery-task-meta-";

  private final JedisPooled redis;
  private final String description;

  private RedisCeleryResultBackend(JedisPooled redis, String description) {
    this.redis = redis;
    this.description = description;
  }

  /**
   * @param url {@code redis://[:password@]host:port/db}, as Celery's {@code result_backend}
   * @return a connected backend
   * @throws TaskStoreException when the URL is invalid or Redis does not answer
   */
  public static RedisCeleryResultBackend connect(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new TaskStoreException("invalid Celery result backend URL: " + e.getMessage(), e);
    }
    String description =
        "celery redis "
            + uri.getHost()
            + ":"
            + (uri.getPort() < 0 ? 6379 : uri.getPort())
            + (uri.getPath() == null ? "" : uri.getPath());
    JedisPooled redis;
    try {
      redis = new JedisPooled(uri);
      redis.ping();
    } catch (JedisException | IllegalArgumentException e) {
      throw new TaskStoreException("cannot connect to " + description + ": " + e.getMessage(), e);
    }
    return new RedisCeleryResultBackend(redis, description);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void store(String taskId, String metaJson, Duration expires) {
    String key = KEY_PREFIX + taskId;
    try (AbstractPipeline p = redis.pipelined()) {
      p.setex(key, Math.max(1, expires.toSeconds()), metaJson);
      p.publish(key, metaJson);
      p.sync();
    } catch (JedisException e) {
      throw new TaskStoreException(
          "cannot write the Celery result of task " + taskId + " to " + description, e);
    }
  }

  @Override
  public Optional<String> read(String taskId) {
    try {
      return Optional.ofNullable(redis.get(KEY_PREFIX + taskId));
    } catch (JedisException e) {
      throw new TaskStoreException(
          "cannot read the Celery result of task " + taskId + " from " + description, e);
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
