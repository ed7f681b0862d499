package dev.warren.internal.memory;

import dev.warren.PublishRejectedException;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenException;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.ExchangeSpec.ExchangeType;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A message broker in the JVM, with RabbitMQ's semantics for what Warren uses: topic, direct,
 * fanout and consistent-hash exchanges, exchange-to-exchange bindings, the default exchange,
 * durable queues with TTL, dead-letter exchange, expiry, maximum length with RabbitMQ's overflow
 * behaviours and single active consumer, prefetch and acknowledgements.
 *
 * <p>Several {@link InMemoryTransport}s (connections) share one broker, which is how several Warren
 * instances in one process compete for or broadcast events. A Warren instance on the memory
 * transport has a broker of its own unless its options name a shared one ({@link #named}).
 */
public final class InMemoryBroker implements AutoCloseable {
  // why: a name is how instances ask to share a broker; nothing is shared without one
  private static final Map<String, InMemoryBroker> NAMED = new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, MemoryExchange> exchanges = new ConcurrentHashMap<>();
  private final Map<String, MemoryQueue> queues = new ConcurrentHashMap<>();
  private final MemoryReplyTo replyTo = new MemoryReplyTo();
  private ScheduledExecutorService timer;
  private boolean closed;

  /** Creates an empty broker of its own, for one instance or one test. */
  public InMemoryBroker() {
    this(null);
  }

  private InMemoryBroker(String name) {
    this.name = name;
  }

  /**
   * The JVM-wide broker of a name, created on first use: every instance given the same name shares
   * its exchanges and queues. It lives until the JVM ends or it is {@linkplain #close() closed}.
   *
   * @param name the broker's name
   * @return the broker of that name
   */
  public static InMemoryBroker named(String name) {
    Objects.requireNonNull(name, "name");
    return NAMED.computeIfAbsent(name, InMemoryBroker::new);
  }

  /**
   * @return the name it is shared under, or {@code null} for a broker of its own
   */
  public String name() {
    return name;
  }

  /** Started on first use: a broker with no TTL or expiring queue never starts a thread. */
  synchronized ScheduledExecutorService timer() {
    if (closed) {
      throw new WarrenException("the in-memory broker is closed");
    }
    if (timer == null) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "warren-memory-timer");
                t.setDaemon(true);
                return t;
              });
    }
    return timer;
  }

  /**
   * Deletes every queue and exchange and stops the broker's timer thread; a named broker is
   * forgotten, so its name gives a new, empty broker afterwards. Consumers of its queues stop, as
   * when RabbitMQ deletes a queue.
   */
  @Override
  public void close() {
    ScheduledExecutorService t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = timer;
    }
    if (name != null) {
      NAMED.remove(name, this);
    }
    for (String q : List.copyOf(queues.keySet())) {
      deleteQueue(q);
    }
    exchanges.clear();
    if (t != null) {
      t.shutdownNow();
    }
  }

  void declareExchange(ExchangeSpec spec) {
    if (spec.name().isEmpty() || spec.name().startsWith("amq.")) {
      throw new WarrenException("exchange name '" + spec.name() + "' is reserved");
    }
    MemoryExchange existing =
        exchanges.computeIfAbsent(
            spec.name(), n -> new MemoryExchange(n, spec.type(), spec.durable(), spec.arguments()));
    List<String> diffs = new ArrayList<>();
    if (existing.type != spec.type()) {
      diffs.add(inequivalent("type", typeName(spec.type()), typeName(existing.type)));
    }
    if (existing.durable != spec.durable()) {
      diffs.add(inequivalent("durable", spec.durable(), existing.durable));
    }
    if (!diffs.isEmpty()) {
      throw new TopologyMismatchException(
          "exchange '" + spec.name() + "' exists with other settings: " + String.join("; ", diffs),
          null);
    }
  }

  /** RabbitMQ's words for a declaration that differs from what exists. */
  private static String inequivalent(String arg, Object asked, Object current) {
    return "inequivalent arg '"
        + arg
        + "': received '"
        + asked
        + "' but current is '"
        + current
        + "'";
  }

  private static String typeName(ExchangeType type) {
    return type == ExchangeType.CONSISTENT_HASH
        ? "x-consistent-hash"
        : type.name().toLowerCase(Locale.ROOT);
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
      diffs.add(inequivalent("durable", asked.durable(), current.durable()));
    }
    if (current.exclusive() != asked.exclusive()) {
      diffs.add(inequivalent("exclusive", asked.exclusive(), current.exclusive()));
    }
    if (current.autoDelete() != asked.autoDelete()) {
      diffs.add(inequivalent("auto_delete", asked.autoDelete(), current.autoDelete()));
    }
    for (String key : union(current.arguments(), asked.arguments())) {
      Object c = current.arguments().get(key);
      Object a = asked.arguments().get(key);
      if (!Objects.equals(normal(c), normal(a))) {
        diffs.add(inequivalent(key, a, c));
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
    String what = "cannot bind queue '" + queue + "' to '" + exchange + "' with '" + key + "': ";
    if (!queues.containsKey(queue)) {
      throw new WarrenException(what + "no queue '" + queue + "'");
    }
    bindingSource(exchange, what).bind(key, queue);
  }

  void bindExchange(String destination, String source, String key) {
    String what =
        "cannot bind exchange '" + destination + "' to '" + source + "' with '" + key + "': ";
    if (!exchanges.containsKey(destination)) {
      throw new WarrenException(what + "no exchange '" + destination + "'");
    }
    bindingSource(source, what).bindExchange(key, destination);
  }

  private MemoryExchange bindingSource(String exchange, String what) {
    MemoryExchange x = exchanges.get(exchange);
    if (x == null) {
      throw new WarrenException(what + "no exchange '" + exchange + "'");
    }
    return x;
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
        .sorted(Comparator.comparing(QueueInfo::name))
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
   * Routes a message to every queue its exchange (and the exchanges bound to that one) route it to,
   * each queue once. Unroutable messages are dropped, as RabbitMQ does without the mandatory flag.
   *
   * @throws PublishRejectedException when a full queue set to reject publishes refused it; like
   *     RabbitMQ's negative confirm, the other queues still got it
   */
  void route(String exchange, String routingKey, Message message) {
    List<MemoryQueue> refusedBy = new ArrayList<>(0);
    for (String name : destinations(exchange, routingKey, message)) {
      MemoryQueue q = queues.get(name);
      if (q != null && !q.enqueue(exchange, routingKey, message)) {
        refusedBy.add(q);
      }
    }
    if (!refusedBy.isEmpty()) {
      throw new PublishRejectedException(
          "the in-memory broker refused "
              + (message.messageId() == null ? "a message" : "message " + message.messageId())
              + " to exchange '"
              + exchange
              + "' with routing key '"
              + routingKey
              + "': "
              + String.join("; ", refusedBy.stream().map(MemoryQueue::refusal).toList()));
    }
  }

  /**
   * The queues a message reaches, through exchange-to-exchange bindings too. why: as in RabbitMQ,
   * each exchange routes a message once however many paths (or cycles) lead to it, and a queue
   * reached by several paths gets one copy.
   */
  private Set<String> destinations(String exchange, String routingKey, Message message) {
    if (exchange.isEmpty()) {
      return Set.of(routingKey);
    }
    Set<String> found = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    ArrayDeque<MemoryExchange> work = new ArrayDeque<>();
    work.add(requireExchange(exchange));
    seen.add(exchange);
    while (!work.isEmpty()) {
      for (MemoryExchange.Target t : work.poll().route(routingKey, message)) {
        if (!t.exchange()) {
          found.add(t.name());
        } else if (seen.add(t.name())) {
          MemoryExchange next = exchanges.get(t.name());
          if (next != null) {
            work.add(next);
          }
        }
      }
    }
    return found;
  }

  void expireQueue(MemoryQueue q) {
    if (queues.remove(q.spec.name(), q)) {
      q.deleted();
      for (MemoryExchange x : exchanges.values()) {
        x.unbindAll(q.spec.name());
      }
    }
  }

  /**
   * @return the broker's direct reply-to
   */
  MemoryReplyTo replyTo() {
    return replyTo;
  }

  void connectionClosed(InMemoryTransport owner) {
    replyTo.connectionClosed(owner);
    for (MemoryQueue q : List.copyOf(queues.values())) {
      if (q.spec.exclusive() && q.owner == owner) {
        deleteQueue(q.spec.name());
      }
    }
  }
}
