package dev.warren.internal.memory;

import dev.warren.TopologyMismatchException;
import dev.warren.WarrenException;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.ExchangeSpec.ExchangeType;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A message broker in the JVM, with RabbitMQ's semantics for what Warren uses: topic, direct,
 * fanout and consistent-hash exchanges, the default exchange, durable queues with TTL, dead-letter
 * exchange, expiry, maximum length and single active consumer, prefetch and acknowledgements.
 *
 * <p>Several {@link InMemoryTransport}s (connections) share one broker, which is how several Warren
 * instances in one process compete for or broadcast events. {@link #shared()} is the process-wide
 * broker used by {@code WARREN_TRANSPORT=memory}; tests create their own.
 */
public final class InMemoryBroker {
  private static final InMemoryBroker SHARED = new InMemoryBroker();

  private final Map<String, MemoryExchange> exchanges = new ConcurrentHashMap<>();
  private final Map<String, MemoryQueue> queues = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  /** Creates an empty broker. */
  public InMemoryBroker() {
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "warren-memory-timer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * @return the process-wide broker
   */
  public static InMemoryBroker shared() {
    return SHARED;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  void declareExchange(ExchangeSpec spec) {
    if (spec.name().isEmpty() || spec.name().startsWith("amq.")) {
      throw new WarrenException("exchange name '" + spec.name() + "' is reserved");
    }
    MemoryExchange existing =
        exchanges.computeIfAbsent(
            spec.name(), n -> new MemoryExchange(n, spec.type(), spec.durable(), spec.arguments()));
    if (existing.type != spec.type() || existing.durable != spec.durable()) {
      throw new TopologyMismatchException(
          "exchange '"
              + spec.name()
              + "' exists as "
              + describe(existing.type, existing.durable)
              + ", not "
              + describe(spec.type(), spec.durable()),
          null);
    }
  }

  private static String describe(ExchangeType type, boolean durable) {
    return (durable ? "durable " : "transient ") + type.name().toLowerCase();
  }

  MemoryQueue declareQueue(QueueSpec spec, InMemoryTransport owner) {
    if (spec.name().isEmpty() || spec.name().startsWith("amq.")) {
      throw new WarrenException("queue name '" + spec.name() + "' is reserved");
    }
    MemoryQueue q = queues.computeIfAbsent(spec.name(), n -> new MemoryQueue(this, spec, owner));
    if (!q.spec.equals(spec)) {
      throw new TopologyMismatchException(
          "queue '" + spec.name() + "' exists with other settings: " + mismatch(q.spec, spec),
          null);
    }
    if (q.spec.exclusive() && q.owner != owner) {
      throw new WarrenException("queue '" + spec.name() + "' is exclusive to another connection");
    }
    q.touch();
    return q;
  }

  private static String mismatch(QueueSpec current, QueueSpec asked) {
    List<String> diffs = new ArrayList<>();
    if (current.durable() != asked.durable()) {
      diffs.add("durable is " + current.durable() + ", asked " + asked.durable());
    }
    if (current.exclusive() != asked.exclusive()) {
      diffs.add("exclusive is " + current.exclusive() + ", asked " + asked.exclusive());
    }
    if (current.autoDelete() != asked.autoDelete()) {
      diffs.add("auto-delete is " + current.autoDelete() + ", asked " + asked.autoDelete());
    }
    for (String key : union(current.arguments(), asked.arguments())) {
      Object c = current.arguments().get(key);
      Object a = asked.arguments().get(key);
      if (!Objects.equals(normal(c), normal(a))) {
        diffs.add(
            "inequivalent arg '" + key + "': received '" + a + "' but current is '" + c + "'");
      }
    }
    return String.join("; ", diffs);
  }

  private static Object normal(Object v) {
    return v instanceof Integer i ? Long.valueOf(i) : v;
  }

  private static List<String> union(Map<String, Object> a, Map<String, Object> b) {
    List<String> keys = new ArrayList<>(a.keySet());
    for (String k : b.keySet()) {
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  void bind(String queue, String exchange, String key) {
    requireQueue(queue);
    requireExchange(exchange).bind(key, queue);
  }

  void bindExchange(String destination, String source, String key) {
    requireExchange(destination);
    requireExchange(source).bindExchange(key, destination);
  }

  void unbind(String queue, String exchange, String key) {
    MemoryExchange x = exchanges.get(exchange);
    if (x != null) {
      x.unbind(key, queue);
    }
  }

  void deleteQueue(String name) {
    MemoryQueue q = queues.remove(name);
    if (q != null) {
      q.deleted();
      for (MemoryExchange x : exchanges.values()) {
        x.unbindAll(name);
      }
    }
  }

  long purge(String name) {
    return requireQueue(name).purge();
  }

  Optional<QueueInfo> info(String name) {
    MemoryQueue q = queues.get(name);
    return q == null ? Optional.empty() : Optional.of(q.info());
  }

  List<QueueInfo> list() {
    return queues.values().stream()
        .map(MemoryQueue::info)
        .sorted(java.util.Comparator.comparing(QueueInfo::name))
        .toList();
  }

  MemoryQueue requireQueue(String name) {
    MemoryQueue q = queues.get(name);
    if (q == null) {
      throw new WarrenException("queue '" + name + "' does not exist");
    }
    return q;
  }

  private MemoryExchange requireExchange(String name) {
    MemoryExchange x = exchanges.get(name);
    if (x == null) {
      throw new WarrenException("exchange '" + name + "' does not exist");
    }
    return x;
  }

  /**
   * Routes a message. Unroutable messages are dropped, as RabbitMQ does without the mandatory flag.
   */
  void route(String exchange, String routingKey, Message message) {
    if (exchange.isEmpty()) {
      MemoryQueue q = queues.get(routingKey);
      if (q != null) {
        q.enqueue(exchange, routingKey, message);
      }
      return;
    }
    java.util.Set<String> delivered = new java.util.HashSet<>();
    route(requireExchange(exchange), exchange, routingKey, message, delivered, 0);
  }

  private void route(
      MemoryExchange x,
      String origin,
      String routingKey,
      Message message,
      java.util.Set<String> delivered,
      int depth) {
    if (depth > 8) {
      return; // why: exchange-to-exchange bindings may form a cycle; RabbitMQ stops those too
    }
    for (MemoryExchange.Target t : x.route(routingKey, message)) {
      if (t.exchange()) {
        MemoryExchange next = exchanges.get(t.name());
        if (next != null) {
          route(next, origin, routingKey, message, delivered, depth + 1);
        }
      } else if (delivered.add(t.name())) {
        MemoryQueue q = queues.get(t.name());
        if (q != null) {
          q.enqueue(origin, routingKey, message);
        }
      }
    }
  }

  void expireQueue(MemoryQueue q) {
    if (queues.remove(q.spec.name(), q)) {
      q.deleted();
      for (MemoryExchange x : exchanges.values()) {
        x.unbindAll(q.spec.name());
      }
    }
  }

  void connectionClosed(InMemoryTransport owner) {
    for (MemoryQueue q : List.copyOf(queues.values())) {
      if (q.spec.exclusive() && q.owner == owner) {
        deleteQueue(q.spec.name());
      }
    }
  }

  void shutdownTimer() {
    timer.shutdownNow();
  }

  @SuppressWarnings("unused")
  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
