/**
 * Retries of events: the decisions from a subscription's policy ({@link
 * dev.warren.internal.retry.Retries}: at once, later or never) and the delayed ones, held by the
 * broker in tiered wait queues ({@link dev.warren.internal.retry.DelayedRetries} over {@link
 * dev.warren.internal.delay.DelayQueues}). Ordered subscriptions retry in place instead, in the
 * engine's subscription runner, so that later events of a key cannot overtake a failed one.
 */
package dev.warren.internal.retry;
