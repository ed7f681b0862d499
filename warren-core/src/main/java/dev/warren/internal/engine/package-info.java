/**
 * The engine behind {@link dev.warren.Warren}: publishing ({@link
 * dev.warren.internal.engine.WarrenEngine}), subscriptions and their worker lanes ({@link
 * dev.warren.internal.engine.SubscriptionRunner}), request/reply ({@link
 * dev.warren.internal.engine.Requester}, {@link dev.warren.internal.engine.Responder}) and the
 * names and shapes of a subscription's queues ({@link dev.warren.internal.engine.Topology}).
 * Written against the transport SPI only.
 *
 * <p>Where the rest lives: retry decisions and delayed retries in {@code internal.retry}, dead
 * letters in {@code internal.deadletters}, the one delayed-delivery mechanism (tiered wait queues)
 * in {@code internal.delay}, the CloudEvents AMQP binding in {@code internal.envelope}.
 */
package dev.warren.internal.engine;
