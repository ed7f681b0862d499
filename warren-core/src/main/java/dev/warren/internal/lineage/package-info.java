/**
 * Lineage recording and queries: an engine listener that queues what happens to events and writes
 * it in batches, on a background thread, to the {@link dev.warren.lineage.spi.LineageStore} of
 * {@code WARREN_STORE_URL}; the bounded in-memory store.
 */
package dev.warren.internal.lineage;
