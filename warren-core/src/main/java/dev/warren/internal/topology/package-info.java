/**
 * How Warren declares its durable queues: as quorum queues where the broker supports them (with
 * at-least-once dead-lettering and a delivery limit), keeping any queue that already exists in an
 * older shape (a classic queue) as it is.
 */
package dev.warren.internal.topology;
