package dev.warren.outbox;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Effectively-once side effects for a subscription: the handler's database work and the record
 * "{@code (subscription, event id)} handled" commit together, so a redelivered or duplicated event
 * finds the record and changes nothing the second time. Rows are deleted after {@link
 * OutboxOptions#inboxRetention()}. Obtained from {@link Outbox#inbox()}.
 *
 * <pre>{@code
 * Inbox inbox = outbox.inbox();
 * warren.subscribe(Subscription.named("billing").pattern("order.placed"), event ->
 *     inbox.handleOnce("billing", event, connection -> {
 *       try (PreparedStatement charge = connection.prepareStatement(
 *           "INSERT INTO charge (order_id, amount) VALUES (?, ?)")) {
 *         ...
 *         charge.executeUpdate();
 *       }
 *     }));
 * }</pre>
 *
 * <p>A second delivery of an event while the first is still being handled waits for the first
 * transaction: it is skipped when that one commits, and runs when it rolls back.
 */
public final class Inbox {
  private final DataSource dataSource;
  private final Tables tables;

  Inbox(DataSource dataSource, Tables tables) {
    this.dataSource = dataSource;
    this.tables = tables;
  }

  /**
   * Runs {@code handler} in a transaction of its own, with a connection of the outbox's data
   * source, unless the event was handled by this subscription before; commits both, or rolls both
   * back when the handler throws.
   *
   * @param subscription the subscription's name (handling is recorded per subscription)
   * @param event the event delivered
   * @param handler the work, which uses the connection it is given
   * @return {@code true} when the handler ran, {@code false} for a duplicate
   * @throws Exception what the handler threw (after the rollback), or an {@link SQLException}
   */
  public boolean handleOnce(String subscription, Event event, InboxHandler handler)
      throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean ran = handleOnce(c, subscription, event, handler);
        c.commit();
        return ran;
      } catch (Exception e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /**
   * Records the event as handled in the caller's transaction and runs {@code handler} on the same
   * connection, unless the event was handled by this subscription before. The caller commits, or
   * rolls back when this throws.
   *
   * @param connection the caller's connection, in a transaction (auto-commit off)
   * @param subscription the subscription's name
   * @param event the event delivered
   * @param handler the work
   * @return {@code true} when the handler ran, {@code false} for a duplicate (nothing was written)
   * @throws InvalidInputException when the connection is in auto-commit mode, which would commit
   *     the record apart from the work
   * @throws Exception what the handler threw, or an {@link SQLException}
   */
  public boolean handleOnce(
      Connection connection, String subscription, Event event, InboxHandler handler)
      throws Exception {
    if (subscription == null || subscription.isBlank()) {
      throw new InvalidInputException("invalid inbox subscription '" + subscription + "'");
    }
    if (event == null || handler == null) {
      throw new InvalidInputException("the inbox needs an event and a handler, got null");
    }
    if (connection.getAutoCommit()) {
      throw new InvalidInputException(
          "the connection is in auto-commit mode: the inbox record would commit apart from the"
              + " handler's work; call setAutoCommit(false) first");
    }
    try (PreparedStatement record = connection.prepareStatement(tables.recordHandled())) {
      record.setString(1, subscription);
      record.setString(2, event.id());
      if (record.executeUpdate() == 0) {
        return false;
      }
    }
    handler.handle(connection);
    return true;
  }

  /**
   * Deletes the rows older than {@code retentionMillis}, in slices; the outbox calls it on its
   * cleanup interval.
   *
   * @param retentionMillis how old a row must be to go
   * @return rows deleted
   * @throws SQLException when the database cannot be reached
   */
  long expire(long retentionMillis) throws SQLException {
    long total = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement delete = c.prepareStatement(tables.expireHandled())) {
      delete.setLong(1, retentionMillis);
      int n;
      do {
        n = delete.executeUpdate();
        total += n;
      } while (n > 0);
    }
    return total;
  }
}
