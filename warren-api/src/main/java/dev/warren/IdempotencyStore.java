package dev.warren;

/**
 * Remembers which events a subscription has handled, so a redelivery or a duplicate publish does
 * not run the handler's effect twice. Warren's default keeps a bounded window of recent ids in
 * memory; implement this to keep them in a database shared by every instance.
 */
public interface IdempotencyStore {
  /**
   * @param subscription the subscription
   * @param eventId the event id
   * @return whether the subscription already handled that event
   */
  boolean contains(String subscription, String eventId);

  /**
   * Records that the subscription handled the event; called after its handler returned.
   *
   * @param subscription the subscription
   * @param eventId the event id
   */
  void add(String subscription, String eventId);
}
