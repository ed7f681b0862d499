package dev.warren.examples.eventhub;

import dev.warren.lineage.Delivery;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.LineageNode;
import dev.warren.lineage.LineageTree;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Draws a lineage tree the way {@code ./warren trace <id>} does: each event with the time since the
 * first, under it what each subscription did with it, and below it the events it caused.
 *
 * <pre>
 * commerce.order.created 0197…a1  correlation checkout-1
 * │  ✔ examples.event-hub.audit: handled
 * ├─ commerce.payment.requested 0197…b2  +4 ms
 * │  │  ✔ examples.event-hub.payments: handled
 * │  └─ commerce.payment.captured 0197…c3  +6 ms
 * │        ✔ examples.event-hub.payments: handled
 * └─ commerce.inventory.reserved 0197…d4  +5 ms
 *       ✔ examples.event-hub.audit: handled
 * </pre>
 */
final class LineagePrinter {
  private LineagePrinter() {}

  /**
   * @param tree a lineage tree
   * @return its lines
   */
  static List<String> lines(LineageTree tree) {
    List<String> lines = new ArrayList<>();
    for (LineageNode root : tree.roots()) {
      node(lines, root, root.event().time(), "", null);
    }
    return lines;
  }

  /**
   * @param last null for a root, else whether the node is its parent's last child
   */
  private static void node(
      List<String> lines, LineageNode node, Instant start, String prefix, Boolean last) {
    EventRecord e = node.event();
    String connector = last == null ? "" : last ? "└─ " : "├─ ";
    String when =
        last == null
            ? "correlation " + e.correlationId()
            : "+" + Duration.between(start, e.time()).toMillis() + " ms";
    lines.add(prefix + connector + e.type() + " " + e.id() + "  " + when);
    String below = last == null ? prefix : prefix + (last ? "   " : "│  ");
    String detail = below + (node.children().isEmpty() ? "   " : "│  ");
    e.deliveries().stream()
        .sorted(Comparator.comparing(Delivery::subscription))
        .forEach(d -> lines.add(detail + describe(d)));
    List<LineageNode> children = node.children();
    for (int i = 0; i < children.size(); i++) {
      node(lines, children.get(i), start, below, i == children.size() - 1);
    }
  }

  private static String describe(Delivery d) {
    String outcome =
        switch (d.outcome()) {
          case HANDLED -> "✔ " + d.subscription() + ": handled";
          case RETRIED -> "… " + d.subscription() + ": failed, retrying";
          case DEAD_LETTERED -> "✘ " + d.subscription() + ": dead-lettered";
          case REPLAYED -> "↻ " + d.subscription() + ": replayed";
        };
    return d.retries() == 0 ? outcome : outcome + " after " + d.retries() + " retries";
  }
}
