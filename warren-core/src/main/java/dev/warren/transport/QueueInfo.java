package dev.warren.transport;

/**
 * What the broker says about a queue.
 *
 * @param name the queue name
 * @param messages ready messages (not counting unacknowledged ones)
 * @param consumers registered consumers
 */
public record QueueInfo(String name, long messages, int consumers) {}
