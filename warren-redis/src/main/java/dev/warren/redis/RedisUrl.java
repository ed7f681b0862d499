package dev.warren.redis;

import dev.warren.tasks.TaskStoreException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A store's {@code redis://} or {@code rediss://} URL: the server to connect to and the key prefix
 * from {@code ?prefix=} ({@value RedisTaskStore#DEFAULT_PREFIX} by default), shared by the task and
 * schedule stores so both read the same URL the same way.
 *
 * @param uri the server, without the query
 * @param prefix the key prefix
 * @param description host, port, database and prefix, for messages and {@code describe()}
 */
record RedisUrl(URI uri, String prefix, String description) {
  private static final Pattern PREFIX = Pattern.compile("[?&]prefix=([^&]*)");

  /**
   * @param url the store URL
   * @param store what it is for, in error messages ("task store")
   * @return the parsed URL
   * @throws TaskStoreException when the URL is invalid
   */
  static RedisUrl parse(String url, String store) {
    Matcher m = PREFIX.matcher(url);
    String prefix = m.find() ? m.group(1) : RedisTaskStore.DEFAULT_PREFIX;
    int query = url.indexOf('?');
    URI uri;
    try {
      uri = new URI(query < 0 ? url : url.substring(0, query));
    } catch (URISyntaxException e) {
      throw new TaskStoreException("invalid Redis URL for the " + store + ": " + e.getMessage(), e);
    }
    String description =
        "redis "
            + uri.getHost()
            + ":"
            + (uri.getPort() < 0 ? 6379 : uri.getPort())
            + (uri.getPath() == null || uri.getPath().isEmpty() ? "" : uri.getPath())
            + " prefix "
            + prefix;
    return new RedisUrl(uri, prefix, description);
  }

  /**
   * Connects and checks the server answers.
   *
   * @param store what it is for, in error messages ("task store")
   * @return a client
   * @throws TaskStoreException when Redis cannot be reached
   */
  JedisPooled connect(String store) {
    try {
      JedisPooled redis = new JedisPooled(uri);
      redis.ping();
      return redis;
    } catch (JedisException | IllegalArgumentException e) {
      throw failure(store, e);
    }
  }

  TaskStoreException failure(String store, RuntimeException e) {
    return new TaskStoreException(
        "cannot connect to the Redis " + store + " " + description + ": " + e.getMessage(), e);
  }
}
