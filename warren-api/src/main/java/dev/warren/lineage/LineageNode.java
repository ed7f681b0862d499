package dev.warren.lineage;

import java.util.List;

/**
 * An event in a {@link LineageTree} with the events it caused.
 *
 * @param event the event
 * @param children the events it caused, in time order
 */
public record LineageNode(EventRecord event, List<LineageNode> children) {
  /** Canonical constructor: children become an immutable list. */
  public LineageNode {
    children = List.copyOf(children);
  }

  /**
   * @return how many events this node and everything below it hold
   */
  public int size() {
    int n = 1;
    for (LineageNode c : children) {
      n += c.size();
    }
    return n;
  }
}
