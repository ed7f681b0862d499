package dev.warren.internal.memory;

import dev.warren.Topics;
import dev.warren.transport.ExchangeSpec.ExchangeType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An exchange: bindings, and a cache of routing results per routing key. */
final class MemoryExchange {
  private record Binding(String key, String queue, boolean toExchange) {}

  final String name;
  final ExchangeType type;
  final boolean durable;
  private final List<Binding> bindings = new CopyOnWriteArrayList<>();
  // why: topic matching splits strings; the set of routing keys in use is small, so cache results
  private final Map<String, Routed> routeCache = new ConcurrentHashMap<>();
  private volatile long version;

  private record Routed(long version, List<Target> queues) {}

  private volatile TreeMap<Integer, String> ring = new TreeMap<>();

  MemoryExchange(String name, ExchangeType type, boolean durable, Map<String, Object> arguments) {
    this.name = name;
    this.type = type;
    this.durable = durable;
    Object h = arguments.get(dev.warren.transport.ExchangeSpec.HASH_HEADER);
    this.hashHeader = h == null ? null : h.toString();
  }

  /** A destination of a routed message: a queue, or an exchange to route through next. */
  record Target(String name, boolean exchange) {}

  final String hashHeader;

  synchronized void bind(String key, String queue) {
    add(new Binding(key, queue, false));
  }

  synchronized void bindExchange(String key, String exchange) {
    add(new Binding(key, exchange, true));
  }

  private void add(Binding b) {
    if (!bindings.contains(b)) {
      bindings.add(b);
      changed();
    }
  }

  synchronized void unbind(String key, String queue) {
    if (bindings.remove(new Binding(key, queue, false))) {
      changed();
    }
  }

  synchronized void unbindAll(String queue) {
    if (bindings.removeIf(b -> !b.toExchange && b.queue.equals(queue))) {
      changed();
    }
  }

  private void changed() {
    version++;
    routeCache.clear();
    if (type == ExchangeType.CONSISTENT_HASH) {
      TreeMap<Integer, String> r = new TreeMap<>();
      for (Binding b : bindings) {
        if (b.toExchange) {
          continue;
        }
        int weight = Math.max(1, parseWeight(b.key));
        for (int i = 0; i < weight * 16; i++) {
          r.put(hash(b.queue + "#" + i), b.queue);
        }
      }
      ring = r;
    }
  }

  private static int parseWeight(String key) {
    try {
      return Integer.parseInt(key.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static int hash(String s) {
    // why: FNV-1a is stable across JVMs, but strings that differ only in their last characters
    // ("q#1", "q#2", "k7") land on a coarse lattice; murmur3's finalizer spreads them over the
    // ring, or a queue may get no key at all
    int h = 0x811c9dc5;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  List<Target> route(String routingKey, dev.warren.transport.Message message) {
    if (type == ExchangeType.CONSISTENT_HASH) {
      TreeMap<Integer, String> r = ring;
      if (r.isEmpty()) {
        return List.of();
      }
      String key = routingKey;
      if (hashHeader != null) {
        String v = message.header(hashHeader);
        key = v == null ? "" : v;
      }
      Map.Entry<Integer, String> e = r.ceilingEntry(hash(key));
      return List.of(new Target(e == null ? r.firstEntry().getValue() : e.getValue(), false));
    }
    long v = version;
    Routed cached = routeCache.get(routingKey);
    if (cached != null && cached.version == v) {
      return cached.queues;
    }
    Set<Target> result = new LinkedHashSet<>();
    for (Binding b : bindings) {
      boolean match =
          switch (type) {
            case TOPIC -> Topics.matches(b.key, routingKey);
            case DIRECT -> b.key.equals(routingKey);
            case FANOUT -> true;
            case CONSISTENT_HASH -> false;
          };
      if (match) {
        result.add(new Target(b.queue, b.toExchange));
      }
    }
    List<Target> list = List.copyOf(new ArrayList<>(result));
    if (routeCache.size() < 10_000) {
      routeCache.put(routingKey, new Routed(v, list));
    }
    return list;
  }
}
