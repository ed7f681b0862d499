package dev.warren.lineage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A recorded event and what each subscription did with it.
 *
 * @param id the event id
 * @param type the event type
 * @param source the event source
 * @param time the event time
 * @param correlationId the chain it belongs to; its own id when it starts one
 * @param parentIds the events that caused it (its {@code causationid}), empty for a first event
 * @param size the size of its data in bytes
 * @param deliveries one per subscription that received it, by subscription name
 */
public record EventRecord(
    String id,
    String type,
    String source,
    Instant time,
    String correlationId,
    List<String> parentIds,
    long size,
    List<Delivery> deliveries) {

  /** Canonical constructor: lists become immutable, the correlation defaults to the id. */
  public EventRecord {
    Objects.requireNonNull(id, "id");
    correlationId = correlationId == null ? id : correlationId;
    parentIds = parentIds == null ? List.of() : List.copyOf(parentIds);
    deliveries = deliveries == null ? List.of() : List.copyOf(deliveries);
  }

  /**
   * @param deliveries the deliveries
   * @return a copy with these deliveries
   */
  public EventRecord withDeliveries(List<Delivery> deliveries) {
    return new EventRecord(id, type, source, time, correlationId, parentIds, size, deliveries);
  }
}
