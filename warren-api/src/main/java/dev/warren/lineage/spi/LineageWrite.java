package dev.warren.lineage.spi;

import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;

/** One fact for a {@link LineageStore} to keep; writes arrive in batches, in any order. */
public sealed interface LineageWrite {
  /**
   * @return the id of the event the fact is about
   */
  String eventId();

  /**
   * An event was published or received: keep its attributes (idempotent, the first write wins).
   *
   * @param event the event, without deliveries
   */
  record EventSeen(EventRecord event) implements LineageWrite {
    @Override
    public String eventId() {
      return event.id();
    }
  }

  /**
   * A subscription did something with an event; may arrive before the event itself.
   *
   * @param eventId the event id
   * @param subscription the subscription
   * @param step what happened
   */
  record StepTaken(String eventId, String subscription, DeliveryStep step)
      implements LineageWrite {}
}
