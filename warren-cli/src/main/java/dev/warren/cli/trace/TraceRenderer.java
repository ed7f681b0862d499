package dev.warren.cli.trace;

import dev.warren.lineage.Delivery;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.LineageNode;
import dev.warren.lineage.LineageTree;
import dev.warren.lineage.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Draws lineage for a terminal: events as a tree ({@code ├─}/{@code └─}), under each the
 * subscriptions that received it with their outcome and handler time.
 *
 * <pre>
 * order.placed 0197…a1  2026-11-23T12:00:01.123Z  /shop  12 B
 * │  ✔ orders: handled in 3.1 ms
 * ├─ payment.requested 0197…b2  +4 ms
 * │     ✔ payments: handled in 2.0 ms
 * └─ stock.reserve 0197…c3  +5 ms
 *       ✔ stock: handled in 0.2 ms, after 1 retry, replayed 1×
 * </pre>
 */
final class TraceRenderer {
  private final boolean steps;

  /**
   * @param steps whether to list every step of each delivery, not only its outcome
   */
  TraceRenderer(boolean steps) {
    this.steps = steps;
  }

  String tree(LineageTree tree) {
    StringBuilder out = new StringBuilder();
    for (LineageNode root : tree.roots()) {
      node(out, root, root.event().time(), tree.eventId(), "", null);
    }
    if (tree.truncated()) {
      out.append("… cut at ").append(dev.warren.lineage.Lineage.MAX_EVENTS).append(" events\n");
    }
    return out.toString();
  }

  /**
   * @param last null for a root, else whether the node is its parent's last child
   */
  private void node(
      StringBuilder out, LineageNode n, Instant start, String focus, String prefix, Boolean last) {
    EventRecord e = n.event();
    String connector = last == null ? "" : last ? "└─ " : "├─ ";
    out.append(prefix).append(connector).append(header(e, start, last == null));
    if (e.id().equals(focus) && last != null) {
      out.append("  ◀");
    }
    out.append('\n');
    String below = last == null ? prefix : prefix + (last ? "   " : "│  ");
    String detail = below + (n.children().isEmpty() ? "   " : "│  ");
    deliveries(out, e, detail);
    List<LineageNode> children = n.children();
    for (int i = 0; i < children.size(); i++) {
      node(out, children.get(i), start, focus, below, i == children.size() - 1);
    }
  }

  String correlation(String correlationId, List<EventRecord> events) {
    StringBuilder out = new StringBuilder();
    out.append("correlation ").append(correlationId).append(": ");
    out.append(events.size()).append(events.size() == 1 ? " event\n" : " events\n");
    Instant start = events.isEmpty() ? null : events.get(0).time();
    for (EventRecord e : events) {
      out.append(header(e, start, e == events.get(0)));
      if (!e.parentIds().isEmpty()) {
        out.append("  ← ").append(String.join(", ", e.parentIds()));
      }
      out.append('\n');
      deliveries(out, e, "   ");
    }
    return out.toString();
  }

  private static String header(EventRecord e, Instant start, boolean absolute) {
    StringBuilder b = new StringBuilder();
    b.append(e.type()).append(' ').append(e.id()).append("  ");
    if (absolute || start == null || e.time() == null) {
      b.append(e.time());
      if (e.source() != null) {
        b.append("  ").append(e.source());
      }
      b.append("  ").append(e.size()).append(" B");
    } else {
      b.append('+').append(duration(Duration.between(start, e.time())));
    }
    return b.toString();
  }

  private void deliveries(StringBuilder out, EventRecord e, String prefix) {
    if (e.deliveries().isEmpty()) {
      out.append(prefix).append("· no subscription recorded it\n");
      return;
    }
    for (Delivery d : e.deliveries()) {
      out.append(prefix).append(line(d)).append('\n');
      if (steps) {
        for (DeliveryStep s : d.steps()) {
          out.append(prefix)
              .append("    ")
              .append(s.at())
              .append(' ')
              .append(words(s.outcome()))
              .append(s.attempts() > 0 ? " (attempt " + s.attempts() + ")" : "")
              .append(s.error() == null ? "" : ": " + s.error())
              .append('\n');
        }
      }
    }
  }

  static String line(Delivery d) {
    StringBuilder b = new StringBuilder();
    b.append(mark(d.outcome())).append(' ').append(d.subscription()).append(": ");
    b.append(words(d.outcome()));
    if (d.outcome() == Outcome.HANDLED) {
      b.append(" in ").append(duration(d.handlerTime()));
    }
    if (d.retries() > 0) {
      b.append(", after ").append(d.retries()).append(d.retries() == 1 ? " retry" : " retries");
    }
    if (d.replays() > 0) {
      b.append(", replayed ").append(d.replays()).append('×');
    }
    Duration span = Duration.between(d.firstAt(), d.lastAt());
    if (!span.isZero()) {
      b.append(", over ").append(duration(span));
    }
    if (d.error() != null) {
      b.append(": ").append(firstLine(d.error()));
    }
    return b.toString();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " …";
  }

  private static String mark(Outcome o) {
    return switch (o) {
      case HANDLED -> "✔";
      case RETRIED -> "…";
      case DEAD_LETTERED -> "✘";
      case REPLAYED -> "↻";
    };
  }

  private static String words(Outcome o) {
    return switch (o) {
      case HANDLED -> "handled";
      case RETRIED -> "failed, retrying";
      case DEAD_LETTERED -> "dead-lettered";
      case REPLAYED -> "replayed, waiting";
    };
  }

  static String duration(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 0) {
      return "-" + duration(d.negated());
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1_000_000.0);
    }
    if (nanos < 1_000_000_000) {
      return (nanos / 1_000_000) + " ms";
    }
    if (nanos < 60_000_000_000L) {
      return String.format(Locale.ROOT, "%.1f s", nanos / 1_000_000_000.0);
    }
    return d.toMinutes() + " min " + d.toSecondsPart() + " s";
  }
}
