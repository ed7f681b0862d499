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

  /**
   * What a full queue does: {@code drop-head} (the default), {@code reject-publish} or {@code
   * reject-publish-dlx} (classic queues only).
   */
  public static final String OVERFLOW = "x-overflow";

  /**
   * How a quorum queue dead-letters: {@code at-most-once} (the default) or {@code at-least-once}
   * (the dead letter stays in the queue until its target confirmed it; needs {@link #OVERFLOW}
   * {@code reject-publish}, RabbitMQ 3.10 and later).
   */
  public static final String DEAD_LETTER_STRATEGY = "x-dead-letter-strategy";

  /**
   * Quorum queues only: how many times a message may be returned to the queue (rejected with
   * requeue, or held by a consumer whose channel closed) before it is dead-lettered with reason
   * {@code delivery_limit}, or dropped when the queue has no dead-letter exchange.
   */
  public static final String DELIVERY_LIMIT = "x-delivery-limit";

  /**
   * Classic queues only: the highest message {@code priority} the queue orders by (1-255); higher
   * priorities are delivered first, FIFO within one priority, and a message's priority above it
   * counts as it. RabbitMQ 3.x quorum queues refuse the argument.
   */
  public static final String MAX_PRIORITY = "x-max-priority";

  /**
   * Header a quorum queue sets on a redelivery: how many times the message was returned to it
   * before (absent on a first delivery).
   */
  public static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

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
   * @return whether it is declared as a quorum queue
   */
  public boolean quorum() {
    return "quorum".equals(arguments.get(QUEUE_TYPE));
  }

  /**
   * The same queue as a replicated quorum queue: {@link #QUEUE_TYPE} {@code quorum} and, when it
   * dead-letters, at-least-once dead-lettering ({@link #DEAD_LETTER_STRATEGY} {@code at-least-once}
   * with {@link #OVERFLOW} {@code reject-publish}, which it requires).
   *
   * @param deliveryLimit the {@link #DELIVERY_LIMIT} to set, or {@code 0} for none
   * @return a copy declared as a quorum queue
   * @throws dev.warren.InvalidInputException when the queue is not durable, or is exclusive or
   *     auto-delete, which quorum queues cannot be, or the limit is negative
   */
  public QueueSpec asQuorum(int deliveryLimit) {
    if (!durable || exclusive || autoDelete) {
      throw new dev.warren.InvalidInputException(
          "queue '"
              + name
              + "' cannot be a quorum queue: quorum queues are durable, not exclusive and not"
              + " auto-delete");
    }
    if (deliveryLimit < 0) {
      throw new dev.warren.InvalidInputException(
          "delivery limit " + deliveryLimit + " of queue '" + name + "' is negative");
    }
    Map<String, Object> args = new LinkedHashMap<>(arguments);
    args.put(QUEUE_TYPE, "quorum");
    if (args.containsKey(DEAD_LETTER_EXCHANGE)) {
      args.put(DEAD_LETTER_STRATEGY, "at-least-once");
      args.putIfAbsent(OVERFLOW, "reject-publish");
    }
    if (deliveryLimit > 0) {
      args.put(DELIVERY_LIMIT, deliveryLimit);
    }
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
