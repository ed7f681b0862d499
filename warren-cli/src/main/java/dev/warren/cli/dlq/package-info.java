/**
 * {@code warren dlq list|replay|purge}: inspect a subscription's dead-letter queue, send its events
 * back once the cause is fixed, or drop them.
 */
package dev.warren.cli.dlq;
