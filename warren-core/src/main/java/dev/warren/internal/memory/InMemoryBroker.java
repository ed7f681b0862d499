package dev.warren.internal.memory;

import dev.warren.PublishRejectedException;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenClock;
import dev.warren.WarrenException;
import dev.warren.internal.delay.Clocks;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.ExchangeSpec.ExchangeType;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import java.time.Duration;
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
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A message broker in the JVM, with RabbitMQ's semantics for what Warren uses: topic, direct,
 * fanout and consistent-hash exchanges, exchange-to-exchange bindings, the default exchange,
 * durable queues with TTL, dead-letter exchange, expiry, maximum length with RabbitMQ's overflow
 * behaviours and single active consumer, prefetch and acknowledgements.
 *
 * <p>Several {@link InMemoryTransport}s (connections) share one broker, which is how several Warren
 * instances in one process compete for or broadcast events. A Warren instance on the memory
 * transport has a broker of its own unless its options name a shared one ({@link #named}).
 *
 * <p>Its timers (message and queue TTLs, and so Warren's wait queues) run on a {@link WarrenClock}:
 * the system clock on a thread of the broker's own, or a virtual clock a test moves. It knows when
 * it is {@linkplain #isIdle() idle}: no message ready for a consumer, unacknowledged or on its way
 * to a dead-letter exchange.
 */
public final class InMemoryBroker implements AutoCloseable {
  // why: a name is how instances ask to share a broker; nothing is shared without one
  private static final Map<String, InMemoryBroker> NAMED = new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, MemoryExchange> exchanges = new ConcurrentHashMap<>();
  private final Map<String, MemoryQueue> queues = new ConcurrentHashMap<>();
  private final MemoryReplyTo replyTo = new MemoryReplyTo();
  private final WarrenClock clock;
  private ScheduledExecutorService timer;
  private boolean closed;

  /**
   * Counts the changes an idle check must not miss (messages added, settled or dropped, consumers
   * coming and going), so that it sees a still state.
   */
  private final AtomicLong changes = new AtomicLong();

  /** Messages taken off a queue and not yet routed to its dead-letter exchange. */
  private final AtomicInteger deadLettering = new AtomicInteger();

  /** Threads in {@link #awaitIdle}; changes wake them through {@link #activity}. */
  private final AtomicInteger idleWaiters = new AtomicInteger();

  private final Object activity = new Object();

  /** Creates an empty broker of its own, for one instance or one test, on the system clock. */
  public InMemoryBroker() {
    this(null, WarrenClock.system());
  }

  /**
   * Creates an empty broker of its own whose timers run on a clock.
   *
   * @param clock the clock
   */
  public InMemoryBroker(WarrenClock clock) {
    this(null, clock);
  }

  private InMemoryBroker(String name, WarrenClock clock) {
    this.name = name;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The JVM-wide broker of a name, created on first use: every instance given the same name shares
   * its exchanges and queues. It lives until the JVM ends or it is {@linkplain #close() closed}.
   *
   * @param name the broker's name
   * @return the broker of that name
   */
  public static InMemoryBroker named(String name) {
    return named(name, WarrenClock.system());
  }

  /**
   * The JVM-wide broker of a name, created on first use with a clock.
   *
   * @param name the broker's name
   * @param clock the clock its timers run on
   * @return the broker of that name
   * @throws WarrenException when the broker of that name exists with another clock
   */
  public static InMemoryBroker named(String name, WarrenClock clock) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(clock, "clock");
    InMemoryBroker broker = NAMED.computeIfAbsent(name, n -> new InMemoryBroker(n, clock));
    if (broker.clock != clock) {
      // why: one broker keeps one time; a second clock would make its TTLs run two ways
      throw new WarrenException(
          "the in-memory broker '"
              + name
              + "' runs on "
              + broker.clock
              + ", not on "
              + clock
              + "; give this instance another broker name");
    }
    return broker;
  }

  /**
   * @param name a broker's name
   * @return the JVM-wide broker of that name, if one is open
   */
  public static Optional<InMemoryBroker> find(String name) {
    return Optional.ofNullable(NAMED.get(Objects.requireNonNull(name, "name")));
  }

  /**
   * @return the name it is shared under, or {@code null} for a broker of its own
   */
  public String name() {
    return name;
  }

  /**
   * @return the clock's time in nanoseconds, only to compare with other readings of it
   */
  long nanoTime() {
    return Clocks.nanoTime(clock);
  }

  /**
   * Runs an action once the clock has moved on by a delay.
   *
   * @param action what to run
   * @param delayNanos how long from now, in nanoseconds
   * @return cancels it
   */
  Future<?> schedule(Runnable action, long delayNanos) {
    if (clock == WarrenClock.system()) {
      // why: on the system clock the broker's timers run on its own thread, which stops with it
      return timer().schedule(action, delayNanos, TimeUnit.NANOSECONDS);
    }
    synchronized (this) {
      if (closed) {
        throw new WarrenException("the in-memory broker is closed");
      }
    }
    return clock.schedule(Duration.ofNanos(delayNanos), action);
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

  /** A queue's messages or consumers changed: wakes those waiting for the broker to be idle. */
  void changed() {
    changes.incrementAndGet();
    if (idleWaiters.get() > 0) {
      synchronized (activity) {
        activity.notifyAll();
      }
    }
  }

  /** A message leaves a queue for its dead-letter exchange; {@link #deadLettered} follows. */
  void deadLettering() {
    deadLettering.incrementAndGet();
  }

  /** The message of a {@link #deadLettering} call was routed, or dropped. */
  void deadLettered() {
    deadLettering.decrementAndGet();
    changed();
  }

  /**
   * Whether nothing moves: no queue holds a message a consumer of it could take, or a message
   * handed out and not yet settled, and no message is on its way to a dead-letter exchange.
   * Messages in queues without consumers (a dead-letter queue) and messages waiting for their TTL
   * (Warren's wait queues) do not count: they move when a timer of the clock runs, so with a
   * virtual clock, idle and no timer due means nothing moves until the clock does.
   *
   * <p>The answer is from one still moment: the queues are read again until no change happened
   * while they were read, so a message handed from one queue to another is never missed.
   *
   * @return whether the broker is idle
   */
  public boolean isIdle() {
    while (true) {
      long before = changes.get();
      if (deadLettering.get() > 0) {
        return false;
      }
      for (MemoryQueue q : queues.values()) {
        if (q.busy()) {
          return false;
        }
      }
      if (changes.get() == before && deadLettering.get() == 0) {
        return true;
      }
    }
  }

  /**
   * Waits until the broker is {@linkplain #isIdle() idle}, woken by each change rather than by
   * polling.
   *
   * @param timeout how long to wait at most
   * @return whether it became idle in time
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    idleWaiters.incrementAndGet();
    try {
      while (true) {
        long seen = changes.get();
        if (isIdle()) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        synchronized (activity) {
          if (changes.get() == seen) {
            // why: every change wakes this; the bound is only a safety net, not a poll
            TimeUnit.NANOSECONDS.timedWait(
                activity, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
          }
        }
      }
    } finally {
      idleWaiters.decrementAndGet();
    }
  }

  /**
   * @return what keeps the broker from being idle, one line per queue (empty when idle), for a
   *     test's failure message
   */
  public List<String> pending() {
    List<String> pending = new ArrayList<>();
    int moving = deadLettering.get();
    if (moving > 0) {
      pending.add(moving + " message(s) on the way to a dead-letter exchange");
    }
    queues.values().stream()
        .sorted(Comparator.comparing(q -> q.spec.name()))
        .forEach(q -> q.pending().ifPresent(pending::add));
    return pending;
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
