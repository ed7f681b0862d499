package dev.warren.outbox;

import dev.warren.Event;

/**
 * Told by a relay about each event the broker confirmed, before the event is marked sent: for
 * measuring commit-to-confirm latency or counting, never for work that must happen (it is not
 * called again when a relay dies before marking, and it runs on the relay's threads, so keep it
 * short).
 */
@FunctionalInterface
public interface OutboxListener {
  /**
   * @param event the event the broker confirmed
   */
  void published(Event event);
}
