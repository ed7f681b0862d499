package dev.warren.transport;

import java.util.Map;

/**
 * What the broker says about a queue.
 *
 * @param name the queue name
 * @param messages ready messages (not counting unacknowledged ones)
 * @param consumers registered consumers
 * @param durable whether it survives a broker restart ({@code true} when unknown)
 * @param arguments its arguments (empty when unknown)
 */
public record QueueInfo(
    String name, long messages, int consumers, boolean durable, Map<String, Object> arguments) {
  /** Canonical constructor: copies the arguments. */
  public QueueInfo {
    arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
  }

  /**
   * @param name the queue name
   * @param messages ready messages
   * @param consumers registered consumers
   */
  public QueueInfo(String name, long messages, int consumers) {
    this(name, messages, consumers, true, Map.of());
  }
}
