package dev.warren.lineage;

import java.util.List;
import java.util.Optional;

/**
 * Questions about recorded events. Obtained from {@link dev.warren.Warren#lineage()}.
 *
 * <pre>{@code
 * Event order = warren.publish("order.placed", new Order(42)).join();
 * // ... handlers publish "payment.requested", which causes "payment.captured" ...
 * LineageTree tree = warren.lineage().tree(order.id());
 * tree.roots().get(0).children();      // what "order.placed" caused
 * warren.lineage().correlation(order.correlationId().orElse(order.id())); // the whole chain
 * }</pre>
 *
 * <p>Recording is asynchronous: an event shows up shortly after it was published or handled, not at
 * once. Recording never slows down or fails publishing; under overload, records are dropped and
 * counted ({@link #dropped()}).
 */
public interface Lineage {
  /** How many events a tree or a correlation returns at most, so one query cannot run away. */
  int MAX_EVENTS = 1000;

  /**
   * @param eventId an event id
   * @return the event with what each subscription did with it, if recorded
   * @throws dev.warren.WarrenException when the lineage store cannot be reached
   */
  Optional<EventRecord> event(String eventId);

  /**
   * The event's family: walks up its parents to the first events of the chain, then down to every
   * event they caused. An event with several parents appears under each of them.
   *
   * @param eventId an event id
   * @return the tree, if the event was recorded
   * @throws dev.warren.WarrenException when the lineage store cannot be reached
   */
  Optional<LineageTree> tree(String eventId);

  /**
   * @param correlationId a correlation id (the id of the first event of a chain, unless set)
   * @return every recorded event of the chain in time order, at most {@link #MAX_EVENTS}; empty
   *     when none is known
   * @throws dev.warren.WarrenException when the lineage store cannot be reached
   */
  List<EventRecord> correlation(String correlationId);

  /**
   * @return how many records this instance dropped instead of blocking (queue full, or the store
   *     failed)
   */
  long dropped();
}
