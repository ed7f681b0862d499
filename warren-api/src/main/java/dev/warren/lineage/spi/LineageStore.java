package dev.warren.lineage.spi;

import dev.warren.lineage.EventRecord;
import java.util.List;
import java.util.Optional;

/**
 * Keeps events and their delivery steps. Called from one background writer per Warren instance and
 * from queries; implementations are thread-safe. Read methods return events with their deliveries,
 * built with {@link dev.warren.lineage.Delivery#of}.
 */
public interface LineageStore extends AutoCloseable {
  /**
   * Keeps a batch. An {@link LineageWrite.EventSeen} for an already known event is ignored; a
   * {@link LineageWrite.StepTaken} is appended, even when its event is not known (yet).
   *
   * @param batch the writes, in the order they happened
   * @throws dev.warren.WarrenException when the store cannot be reached
   */
  void write(List<LineageWrite> batch);

  /**
   * @param eventId an event id
   * @return the event with its deliveries, if its {@code EventSeen} was written
   */
  Optional<EventRecord> event(String eventId);

  /**
   * @param parentId an event id
   * @param limit at most this many
   * @return the known events that name it as a parent, in time order
   */
  List<EventRecord> children(String parentId, int limit);

  /**
   * @param correlationId a correlation id
   * @param limit at most this many
   * @return the known events of the chain, in time order (then by id)
   */
  List<EventRecord> correlation(String correlationId, int limit);

  /** Releases connections. */
  @Override
  void close();
}
