/**
 * Lineage recording and queries: an engine listener that queues what happens to events and writes
 * it in batches, on a background thread, to the {@link dev.warren.lineage.spi.LineageStore} of the
 * instance's store URL ({@code WarrenOptions.storeUrl()}); the bounded in-memory store.
 */
package dev.warren.internal.lineage;
