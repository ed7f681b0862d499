/**
 * Warren's one delayed-delivery mechanism, {@link dev.warren.internal.delay.DelayQueues}: messages
 * due later wait in the broker, in wait queues of one fixed delay each (tiers), so a short wait
 * never sits behind a long one. Event retries and task countdowns, ETAs and retries use it.
 */
package dev.warren.internal.delay;
