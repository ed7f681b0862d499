package dev.warren.transport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A queue to declare, with the RabbitMQ queue arguments Warren uses. Both transports give the
 * arguments RabbitMQ's meaning.
 *
 * @param name the queue name
 * @param durable whether it survives a broker restart
 * @param exclusive whether only this connection may use it (deleted when it closes)
 * @param autoDelete whether it is deleted when its last consumer goes
 * @param arguments queue arguments; see the constants
 */
public record QueueSpec(
    String name,
    boolean durable,
    boolean exclusive,
    boolean autoDelete,
    Map<String, Object> arguments) {

  /** Dead-letter exchange for rejected and expired messages ({@code ""} is the default one). */
  public static final String DEAD_LETTER_EXCHANGE = "x-dead-letter-exchange";

  /** Routing key given to dead-lettered messages. */
  public static final String DEAD_LETTER_ROUTING_KEY = "x-dead-letter-routing-key";

  /** Time-to-live of each message in the queue, in milliseconds. */
  public static final String MESSAGE_TTL = "x-message-ttl";

  /** Idle time in milliseconds after which an unused queue is deleted. */
  public static final String EXPIRES = "x-expires";

  /** {@code true}: only one consumer at a time receives messages, the others stand by. */
  public static final String SINGLE_ACTIVE_CONSUMER = "x-single-active-consumer";

  /** {@code classic} or {@code quorum}. */
  public static final String QUEUE_TYPE = "x-queue-type";

  /** Most ready messages kept; the oldest are dropped or dead-lettered beyond it. */
  public static final String MAX_LENGTH = "x-max-length";

  /** Canonical constructor: copies the arguments. */
  public QueueSpec {
    arguments = Map.copyOf(arguments);
  }

  /**
   * @param name the queue name
   * @return a durable, non-exclusive queue without arguments
   */
  public static QueueSpec durable(String name) {
    return new QueueSpec(name, true, false, false, Map.of());
  }

  /**
   * @param key argument name
   * @param value argument value (String, Integer, Long or Boolean)
   * @return a copy with the argument set
   */
  public QueueSpec withArgument(String key, Object value) {
    Map<String, Object> args = new LinkedHashMap<>(arguments);
    args.put(key, value);
    return new QueueSpec(name, durable, exclusive, autoDelete, args);
  }

  /**
   * @param durable whether it survives a broker restart
   * @return a copy with that durability
   */
  public QueueSpec withDurable(boolean durable) {
    return new QueueSpec(name, durable, exclusive, autoDelete, arguments);
  }
}
