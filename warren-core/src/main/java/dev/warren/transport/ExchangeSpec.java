package dev.warren.transport;

import java.util.Map;

/**
 * An exchange to declare.
 *
 * @param name the exchange name
 * @param type how it routes
 * @param durable whether it survives a broker restart
 * @param arguments exchange arguments, for example {@code hash-header} of a consistent-hash
 *     exchange
 */
public record ExchangeSpec(
    String name, ExchangeType type, boolean durable, Map<String, Object> arguments) {
  /** Header a consistent-hash exchange hashes instead of the routing key. */
  public static final String HASH_HEADER = "hash-header";

  /** How an exchange routes messages to the queues bound to it. */
  public enum ExchangeType {
    /** By topic pattern: {@code *} one word, {@code #} zero or more. */
    TOPIC,
    /** By exact routing key. */
    DIRECT,
    /** To every bound queue. */
    FANOUT,
    /**
     * By a hash of the routing key (or of the {@link #HASH_HEADER} header) over the bound queues,
     * weighted by their binding keys (RabbitMQ's {@code x-consistent-hash}).
     */
    CONSISTENT_HASH
  }

  /** Canonical constructor: copies the arguments. */
  public ExchangeSpec {
    arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
  }

  /**
   * @param name the exchange name
   * @param type how it routes
   * @param durable whether it survives a broker restart
   */
  public ExchangeSpec(String name, ExchangeType type, boolean durable) {
    this(name, type, durable, Map.of());
  }

  /**
   * @param name the exchange name
   * @return a durable topic exchange
   */
  public static ExchangeSpec durableTopic(String name) {
    return new ExchangeSpec(name, ExchangeType.TOPIC, true);
  }
}
