package dev.warren.transport;

/**
 * An exchange to declare.
 *
 * @param name the exchange name
 * @param type how it routes
 * @param durable whether it survives a broker restart
 */
public record ExchangeSpec(String name, ExchangeType type, boolean durable) {
  /** How an exchange routes messages to the queues bound to it. */
  public enum ExchangeType {
    /** By topic pattern: {@code *} one word, {@code #} zero or more. */
    TOPIC,
    /** By exact routing key. */
    DIRECT,
    /** To every bound queue. */
    FANOUT,
    /**
     * By a hash of the routing key over the bound queues, weighted by their binding keys
     * (RabbitMQ's {@code x-consistent-hash}).
     */
    CONSISTENT_HASH
  }

  /**
   * @param name the exchange name
   * @return a durable topic exchange
   */
  public static ExchangeSpec durableTopic(String name) {
    return new ExchangeSpec(name, ExchangeType.TOPIC, true);
  }
}
