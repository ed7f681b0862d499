/**
 * The transactional outbox and inbox on PostgreSQL: {@link dev.warren.outbox.Outbox#publish} writes
 * an event in the application's own JDBC transaction and an {@link dev.warren.outbox.OutboxRelay}
 * publishes it after the commit, with the broker's confirm, in commit order per partition key;
 * {@link dev.warren.outbox.Inbox#handleOnce} records what a subscription handled in the transaction
 * of the handler's own writes, so a duplicate changes nothing. Only Warren's public API is used;
 * the implementation is package-private.
 */
package dev.warren.outbox;
