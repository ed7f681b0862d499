package dev.warren.lineage;

import java.util.List;

/**
 * An event's family: the first events of its chain and everything they caused, as trees.
 *
 * @param eventId the event the tree was asked for
 * @param roots the events without a recorded parent that lead to it, in time order (usually one)
 * @param truncated whether the tree was cut at {@link Lineage#MAX_EVENTS} events
 */
public record LineageTree(String eventId, List<LineageNode> roots, boolean truncated) {
  /** Canonical constructor: roots become an immutable list. */
  public LineageTree {
    roots = List.copyOf(roots);
  }
}
