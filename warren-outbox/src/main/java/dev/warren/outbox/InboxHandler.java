package dev.warren.outbox;

import java.sql.Connection;

/**
 * A handler's own database work, run by {@link Inbox#handleOnce} in the transaction that records
 * the event as handled.
 */
@FunctionalInterface
public interface InboxHandler {
  /**
   * @param connection the transaction's connection: write with it, never commit or roll it back
   * @throws Exception to roll back the work and the record, so a redelivery runs it again
   */
  void handle(Connection connection) throws Exception;
}
