/**
 * Event lineage: what happened to every event, and how events caused one another.
 *
 * <p>Warren records, off the hot path, each event it publishes or handles (id, type, source, time,
 * correlation id, parents, size) and what each subscription did with it (handled, retried,
 * dead-lettered, replayed, with timestamps). {@link dev.warren.lineage.Lineage} answers the
 * questions an operator asks:
 *
 * <pre>{@code
 * LineageTree tree = warren.lineage().tree(eventId);       // ancestors and descendants
 * List<EventRecord> chain = warren.lineage().correlation(correlationId); // in time order
 * }</pre>
 *
 * <p>Where it is kept follows {@link dev.warren.WarrenOptions#storeUrl()}: memory (bounded, the
 * default), PostgreSQL or Redis; stores plug in through {@link
 * dev.warren.lineage.spi.LineageStoreProvider}.
 */
package dev.warren.lineage;
