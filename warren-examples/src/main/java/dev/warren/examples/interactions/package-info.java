/**
 * Seed 003, <b>interaction events fan-out</b>: a shop's front end posts user–product interactions
 * to {@code POST /events}; two independent subscriptions, each with its own pool of workers, turn
 * them into graph edges (PostgreSQL, or an in-memory table) and per-user counters. One sink fails
 * for some events, which are retried, dead-lettered and replayed; at the end nothing is lost or
 * counted twice.
 *
 * <p>Read {@link dev.warren.examples.interactions.InteractionsExample} first: it is the script, and
 * names every other class in the order it uses them.
 */
package dev.warren.examples.interactions;
