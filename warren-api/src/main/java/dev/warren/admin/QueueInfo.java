package dev.warren.admin;

import java.util.Map;

/**
 * A queue as the broker reports it.
 *
 * @param name the queue
 * @param messages ready messages
 * @param unacknowledged messages delivered and not yet acknowledged, or {@code -1} when the broker
 *     does not say (RabbitMQ without its management API)
 * @param consumers consumers attached
 * @param durable whether it survives a broker restart
 * @param arguments its {@code x-} arguments (type, TTL, length limit, dead-lettering)
 * @param rates message rates, or {@link MessageRates#UNKNOWN}
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
}
