package dev.warren.transport;

import dev.warren.admin.MessageRates;
import java.util.Map;

/**
 * What the broker says about a queue.
 *
 * @param name the queue name
 * @param messages ready messages (not counting unacknowledged ones)
 * @param unacknowledged messages delivered and not yet acknowledged, or {@code -1} when the broker
 *     does not say (RabbitMQ over AMQP alone)
 * @param consumers registered consumers
 * @param durable whether it survives a broker restart ({@code true} when unknown)
 * @param arguments its arguments (empty when unknown)
 * @param rates message rates, or {@link MessageRates#UNKNOWN} (RabbitMQ over AMQP alone, or the
 *     in-memory broker's first reading)
 */
public record QueueInfo(
    String name,
    long messages,
    long unacknowledged,
    int consumers,
    boolean durable,
    Map<String, Object> arguments,
    MessageRates rates) {
  /** Canonical constructor: copies the arguments. */
  public QueueInfo {
    arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    rates = rates == null ? MessageRates.UNKNOWN : rates;
  }

  /**
   * A queue whose unacknowledged count and rates are not known.
   *
   * @param name the queue name
   * @param messages ready messages
   * @param consumers registered consumers
   * @param durable whether it survives a broker restart
   * @param arguments its arguments
   */
  public QueueInfo(
      String name, long messages, int consumers, boolean durable, Map<String, Object> arguments) {
    this(name, messages, -1, consumers, durable, arguments, MessageRates.UNKNOWN);
  }

  /**
   * A queue of which only the counts are known.
   *
   * @param name the queue name
   * @param messages ready messages
   * @param consumers registered consumers
   */
  public QueueInfo(String name, long messages, int consumers) {
    this(name, messages, consumers, true, Map.of());
  }
}
