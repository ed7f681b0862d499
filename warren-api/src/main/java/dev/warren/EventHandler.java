package dev.warren;

/**
 * Handles one event delivered to a subscription. The message is acknowledged only after {@code
 * handle} returns normally; if it throws, the event goes through the subscription's failure
 * handling (retry, then the dead-letter queue) and is never silently dropped.
 */
@FunctionalInterface
public interface EventHandler {
  /**
   * @param event the delivered event
   * @throws Exception any failure; the event is then retried or dead-lettered
   */
  void handle(Event event) throws Exception;
}
