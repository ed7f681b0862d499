package dev.warren.examples.interactions;

import java.time.Instant;

/**
 * A user→product edge of the interaction graph, one per interaction event. Keyed by the event id,
 * so writing the same event twice leaves one edge.
 *
 * @param eventId the interaction's event id
 * @param user the user
 * @param product the product
 * @param kind how the user interacted
 * @param weight how much the interaction weighs
 * @param at when it happened
 */
record Edge(String eventId, String user, String product, String kind, int weight, Instant at) {}
