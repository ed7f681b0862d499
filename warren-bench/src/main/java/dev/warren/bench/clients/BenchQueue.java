package dev.warren.bench.clients;

/**
 * A durable queue bound to a client's topic exchange.
 *
 * @param name the queue (for Warren: the subscription name)
 * @param routingKey the binding key, also the routing key published with (for Warren: the pattern
 *     and the event type)
 * @param quorum a quorum queue instead of a classic one
 */
public record BenchQueue(String name, String routingKey, boolean quorum) {}
