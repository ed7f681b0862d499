package dev.warren.internal.memory;

import dev.warren.WarrenException;
import dev.warren.transport.BrowsedMessage;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue with RabbitMQ's delivery rules: FIFO, round-robin over consumers within their prefetch,
 * requeue at the original position on reject, dead-lettering on reject, expiry and overflow, single
 * active consumer, and expiry of the queue itself when unused.
 *
 * <p>A quorum queue ({@code x-queue-type quorum}) also counts how many times each message came back
 * (rejected with requeue, or held by a consumer that went away), shows the count in the {@code
 * x-delivery-count} header of each redelivery, and dead-letters a message returned more times than
 * its {@code x-delivery-limit} with reason {@code delivery_limit}, as RabbitMQ 3.10 does. Its
 * dead-lettering is always at-least-once here: a dead letter is routed before it leaves.
 *
 * <p>A classic queue with {@code x-max-priority} delivers higher message priorities first and FIFO
 * within one priority (a message without a priority counts as 0, one above the maximum as the
 * maximum), and puts a returned message back at its place in that order; a quorum queue refuses the
 * argument, as RabbitMQ 3.x does.
 */
final class MemoryQueue {
  /** The queue argument choosing what a full queue does (RabbitMQ's {@code x-overflow}). */
  static final String OVERFLOW = QueueSpec.OVERFLOW;

  /** What a queue at its maximum length does with one more message. */
  enum Overflow {
    /** Takes it and drops (or dead-letters) the oldest ready message: RabbitMQ's default. */
    DROP_HEAD("drop-head"),
    /** Refuses it: the publisher gets a negative confirm. */
    REJECT_PUBLISH("reject-publish"),
    /** Refuses it and dead-letters it. */
    REJECT_PUBLISH_DLX("reject-publish-dlx");

    final String argument;

    Overflow(String argument) {
      this.argument = argument;
    }

    static Overflow of(QueueSpec spec) {
      Object v = spec.arguments().get(OVERFLOW);
      if (v == null) {
        return DROP_HEAD;
      }
      for (Overflow o : values()) {
        if (o.argument.equals(v.toString())) {
          return o;
        }
      }
      throw new WarrenException(
          "cannot declare queue '"
              + spec.name()
              + "': invalid arg '"
              + OVERFLOW
              + "': '"
              + v
              + "' is not drop-head, reject-publish or reject-publish-dlx");
    }
  }

  private record Entry(
      String exchange,
      String routingKey,
      Message message,
      boolean redelivered,
      long expiresAt,
      long returns,
      long seq) {
    /** The same message back in the queue once more. */
    Entry returned() {
      return new Entry(exchange, routingKey, message, true, expiresAt, returns + 1, seq);
    }
  }

  final QueueSpec spec;
  final InMemoryTransport owner;
  private final InMemoryBroker broker;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Entry> ready = new ArrayDeque<>();
  private final List<MemoryConsumer> consumers = new ArrayList<>();
  private final Long messageTtl;
  private final Long maxLength;
  private final Overflow overflow;
  private final Long expires;
  private final boolean singleActive;
  private final boolean quorum;
  private final Long deliveryLimit;
  private final Integer maxPriority;
  private int nextConsumer;

  /** Enqueue order, so a requeued message goes back to its original position. */
  private static final AtomicLong SEQ = new AtomicLong();

  /** Deliveries handed to consumers and gets, not yet settled; guarded by {@link #lock}. */
  private long unacknowledged;

  /** Guarded by {@link #lock}. */
  private final QueueRates rates = new QueueRates();

  private boolean dispatching;
  private boolean deleted;
  private long lastUsed;
  private Future<?> expiryCheck;
  private Future<?> headExpiry;

  MemoryQueue(InMemoryBroker broker, QueueSpec spec, InMemoryTransport owner) {
    this.broker = broker;
    this.lastUsed = broker.nanoTime();
    this.spec = spec;
    this.owner = owner;
    this.messageTtl = longArg(spec, QueueSpec.MESSAGE_TTL);
    this.maxLength = longArg(spec, QueueSpec.MAX_LENGTH);
    this.overflow = Overflow.of(spec);
    this.expires = longArg(spec, QueueSpec.EXPIRES);
    this.singleActive = Boolean.TRUE.equals(spec.arguments().get(QueueSpec.SINGLE_ACTIVE_CONSUMER));
    this.quorum = spec.quorum();
    if (quorum) {
      requireQuorumProperties(spec);
    }
    // why: like RabbitMQ, a classic queue ignores a delivery limit
    this.deliveryLimit = quorum ? longArg(spec, QueueSpec.DELIVERY_LIMIT) : null;
    this.maxPriority = maxPriority(spec);
    scheduleExpiryCheck();
  }

  /** RabbitMQ's refusals of a quorum queue that is not durable, or is exclusive or auto-delete. */
  private static void requireQuorumProperties(QueueSpec spec) {
    String property =
        !spec.durable()
            ? "non-durable"
            : spec.exclusive() ? "exclusive" : spec.autoDelete() ? "auto-delete" : null;
    if (property != null) {
      throw new WarrenException(
          "cannot declare queue '"
              + spec.name()
              + "': invalid property '"
              + property
              + "' for a quorum queue");
    }
    Object strategy = spec.arguments().get(QueueSpec.DEAD_LETTER_STRATEGY);
    if (strategy != null
        && !"at-least-once".equals(strategy.toString())
        && !"at-most-once".equals(strategy.toString())) {
      throw new WarrenException(
          "cannot declare queue '"
              + spec.name()
              + "': invalid arg '"
              + QueueSpec.DEAD_LETTER_STRATEGY
              + "': '"
              + strategy
              + "' is not at-most-once or at-least-once");
    }
  }

  /** The {@code x-max-priority} argument, checked as RabbitMQ does; {@code null} for none. */
  private static Integer maxPriority(QueueSpec spec) {
    Object v = spec.arguments().get(QueueSpec.MAX_PRIORITY);
    if (v == null) {
      return null;
    }
    if (spec.quorum()) {
      throw new WarrenException(
          "cannot declare queue '"
              + spec.name()
              + "': invalid arg '"
              + QueueSpec.MAX_PRIORITY
              + "' for a quorum queue");
    }
    if (!(v instanceof Number n) || n.longValue() < 1 || n.longValue() > 255) {
      throw new WarrenException(
          "cannot declare queue '"
              + spec.name()
              + "': invalid arg '"
              + QueueSpec.MAX_PRIORITY
              + "': "
              + v
              + " is not between 1 and 255");
    }
    return n.intValue();
  }

  /** The priority a message is ordered by here: 0 in a queue without priorities. */
  private int priority(Entry e) {
    if (maxPriority == null || e.message().priority() == null) {
      return 0;
    }
    return Math.min(e.message().priority(), maxPriority);
  }

  /** Whether {@code a} is delivered before {@code b}: higher priority first, then FIFO. */
  private boolean before(Entry a, Entry b) {
    int pa = priority(a);
    int pb = priority(b);
    return pa != pb ? pa > pb : a.seq < b.seq;
  }

  /** Adds a new message behind every one delivered before it. */
  private void addReady(Entry entry) {
    if (maxPriority == null) {
      ready.addLast(entry);
      return;
    }
    // why: most messages share the priority of the tail, so this rarely steps over any
    ArrayDeque<Entry> later = new ArrayDeque<>();
    while (!ready.isEmpty() && before(entry, ready.peekLast())) {
      later.addFirst(ready.pollLast());
    }
    ready.addLast(entry);
    ready.addAll(later);
  }

  private static Long longArg(QueueSpec spec, String key) {
    Object v = spec.arguments().get(key);
    return v instanceof Number n ? n.longValue() : null;
  }

  void touch() {
    lock.lock();
    try {
      lastUsed = broker.nanoTime();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes a routed message, or refuses it when the queue is full and set to reject publishes.
   *
   * @return {@code false} when refused: the publisher must get a negative confirm
   */
  boolean enqueue(String exchange, String routingKey, Message message) {
    long now = broker.nanoTime();
    Long ttl = message.expiration();
    if (messageTtl != null) {
      ttl = ttl == null ? messageTtl : Math.min(ttl, messageTtl);
    }
    long expiresAt = ttl == null ? Long.MAX_VALUE : now + TimeUnit.MILLISECONDS.toNanos(ttl);
    Entry entry =
        new Entry(exchange, routingKey, message, false, expiresAt, 0, SEQ.getAndIncrement());
    List<Entry> overflowed = List.of();
    boolean refused;
    lock.lock();
    try {
      if (deleted) {
        return true;
      }
      // why: as in RabbitMQ, the limit counts ready messages only, not unacknowledged ones
      refused = overflow != Overflow.DROP_HEAD && maxLength != null && ready.size() >= maxLength;
      if (!refused) {
        broker.changed();
        addReady(entry);
        rates.published();
        if (maxLength != null && ready.size() > maxLength) {
          overflowed = new ArrayList<>();
          while (ready.size() > maxLength) {
            overflowed.add(ready.pollFirst());
            broker.deadLettering();
          }
        }
        if (ttl != null && headExpiry == null) {
          scheduleHeadExpiry();
        }
        dispatch();
      }
    } finally {
      lock.unlock();
    }
    if (refused) {
      if (overflow == Overflow.REJECT_PUBLISH_DLX) {
        broker.deadLettering();
        deadLetter(entry, "maxlen");
      }
      return false;
    }
    for (Entry e : overflowed) {
      deadLetter(e, "maxlen");
    }
    return true;
  }

  /**
   * @return why this queue refuses publishes, for the publisher's error
   */
  String refusal() {
    return "queue '"
        + spec.name()
        + "' is full ("
        + QueueSpec.MAX_LENGTH
        + " "
        + maxLength
        + ", "
        + OVERFLOW
        + " "
        + overflow.argument
        + ")";
  }

  /** Must hold the lock. Hands ready messages to consumers with room, in order. */
  private void dispatch() {
    if (dispatching) {
      // why: an ack made from inside a handler re-enters; the outer loop continues the work
      return;
    }
    dispatching = true;
    try {
      List<Entry> expired = null;
      while (!ready.isEmpty()) {
        Entry head = ready.peekFirst();
        if (head.expiresAt <= broker.nanoTime()) {
          ready.pollFirst();
          if (expired == null) {
            expired = new ArrayList<>();
          }
          expired.add(head);
          broker.deadLettering();
          continue;
        }
        MemoryConsumer c = nextWithRoom();
        if (c == null) {
          break;
        }
        ready.pollFirst();
        lastUsed = broker.nanoTime();
        // why: no broker.changed() here: ready and unacknowledged are both busy, and this queue's
        // lock makes the move one step for an idle check, so only a settle needs to wake waiters
        unacknowledged++;
        rates.delivered();
        c.deliver(new MemoryDelivery(this, c, head));
      }
      if (expired != null) {
        for (Entry e : expired) {
          deadLetter(e, "expired");
        }
      }
    } finally {
      dispatching = false;
    }
  }

  private MemoryConsumer nextWithRoom() {
    int n = consumers.size();
    if (n == 0) {
      return null;
    }
    if (singleActive) {
      MemoryConsumer active = consumers.get(0);
      return active.hasRoom() ? active : null;
    }
    for (int i = 0; i < n; i++) {
      MemoryConsumer c = consumers.get((nextConsumer + i) % n);
      if (c.hasRoom()) {
        nextConsumer = (nextConsumer + i + 1) % n;
        return c;
      }
    }
    return null;
  }

  private void scheduleHeadExpiry() {
    Entry head = ready.peekFirst();
    if (head == null || head.expiresAt == Long.MAX_VALUE || deleted) {
      headExpiry = null;
      return;
    }
    long delay = Math.max(0, head.expiresAt - broker.nanoTime());
    headExpiry = broker.schedule(this::expireHead, delay);
  }

  private void expireHead() {
    List<Entry> expired = new ArrayList<>();
    lock.lock();
    try {
      long now = broker.nanoTime();
      // why: like RabbitMQ, only messages at the head expire; the rest wait their turn
      while (!ready.isEmpty() && ready.peekFirst().expiresAt <= now) {
        expired.add(ready.pollFirst());
        broker.deadLettering();
      }
      broker.changed();
      scheduleHeadExpiry();
    } finally {
      lock.unlock();
    }
    for (Entry e : expired) {
      deadLetter(e, "expired");
    }
  }

  /**
   * Routes a message to the dead-letter exchange, after an {@link InMemoryBroker#deadLettering}.
   */
  private void deadLetter(Entry e, String reason) {
    try {
      route(e, reason);
    } finally {
      broker.deadLettered();
    }
  }

  private void route(Entry e, String reason) {
    Object dlx = spec.arguments().get(QueueSpec.DEAD_LETTER_EXCHANGE);
    if (dlx == null) {
      return;
    }
    Object dlrk = spec.arguments().get(QueueSpec.DEAD_LETTER_ROUTING_KEY);
    String routingKey = dlrk == null ? e.routingKey : dlrk.toString();
    Map<String, Object> headers = new LinkedHashMap<>(e.message.headers());
    Map<String, Object> death = new HashMap<>();
    death.put("queue", spec.name());
    death.put("reason", reason);
    death.put("exchange", e.exchange);
    death.put("routing-keys", List.of(e.routingKey));
    death.put("count", 1L);
    headers.put("x-death", List.of(death));
    headers.putIfAbsent("x-first-death-queue", spec.name());
    headers.putIfAbsent("x-first-death-reason", reason);
    headers.putIfAbsent("x-first-death-exchange", e.exchange);
    // why: RabbitMQ removes the per-message TTL when dead-lettering, so it cannot expire again
    Message m = e.message.withHeaders(headers).withExpiration(null);
    try {
      broker.route(dlx.toString(), routingKey, m);
    } catch (RuntimeException ignored) {
      // the dead-letter exchange is gone: RabbitMQ drops the message in that case too
    }
  }

  void addConsumer(MemoryConsumer c) {
    lock.lock();
    try {
      consumers.add(c);
      lastUsed = broker.nanoTime();
      broker.changed();
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  void removeConsumer(MemoryConsumer c) {
    boolean autoDelete;
    lock.lock();
    try {
      // why: like RabbitMQ, only the last consumer going deletes an auto-delete queue
      autoDelete = consumers.remove(c) && spec.autoDelete() && consumers.isEmpty();
      lastUsed = broker.nanoTime();
      broker.changed();
      dispatch();
    } finally {
      lock.unlock();
    }
    if (autoDelete) {
      broker.deleteQueue(spec.name());
    }
  }

  void settle(MemoryDelivery d, boolean ack, boolean requeue) {
    Entry deadLetter = null;
    List<Entry> overLimit = new ArrayList<>(0);
    lock.lock();
    try {
      unacknowledged = Math.max(0, unacknowledged - 1);
      broker.changed();
      if (ack) {
        rates.acknowledged();
      } else {
        Entry e = d.entry;
        if (requeue) {
          requeue(List.of(e), overLimit);
        } else {
          deadLetter = e;
          broker.deadLettering();
        }
      }
      dispatch();
    } finally {
      lock.unlock();
    }
    if (deadLetter != null) {
      deadLetter(deadLetter, "rejected");
    }
    overLimit.forEach(e -> deadLetter(e, "delivery_limit"));
  }

  /**
   * Must hold the lock. Puts returned messages back at their original position, whatever order they
   * are returned in, except those returned more times than the delivery limit, which go to {@code
   * overLimit}. That is a classic queue's rule; a RabbitMQ quorum queue puts them back where it
   * chooses (at its back without a delivery limit, behind other returned messages with one), which
   * nobody can rely on, so the in-memory broker keeps the one order everybody can.
   */
  private void requeue(List<Entry> returned, List<Entry> overLimit) {
    for (int i = returned.size() - 1; i >= 0; i--) {
      Entry back = returned.get(i).returned();
      if (deliveryLimit != null && back.returns > deliveryLimit) {
        overLimit.add(0, back);
        broker.deadLettering();
      } else if (!deleted) {
        // why: returned messages are older than nearly all ready ones, so only the few returned
        // before it (and older) are stepped over
        ArrayDeque<Entry> older = new ArrayDeque<>();
        while (!ready.isEmpty() && before(ready.peekFirst(), back)) {
          older.addFirst(ready.pollFirst());
        }
        ready.addFirst(back);
        for (Entry e : older) {
          ready.addFirst(e);
        }
      }
    }
  }

  private static List<Entry> entries(List<MemoryDelivery> deliveries) {
    List<Entry> entries = new ArrayList<>(deliveries.size());
    for (MemoryDelivery d : deliveries) {
      entries.add(d.entry);
    }
    return entries;
  }

  /** Removes a consumer and requeues what it held, atomically. */
  void consumerGone(MemoryConsumer c, List<MemoryDelivery> unsettled) {
    boolean autoDelete;
    List<Entry> overLimit = new ArrayList<>(0);
    lock.lock();
    try {
      boolean removed = consumers.remove(c);
      lastUsed = broker.nanoTime();
      unacknowledged = Math.max(0, unacknowledged - unsettled.size());
      broker.changed();
      requeue(entries(unsettled), overLimit);
      autoDelete = removed && spec.autoDelete() && consumers.isEmpty();
      dispatch();
    } finally {
      lock.unlock();
    }
    overLimit.forEach(e -> deadLetter(e, "delivery_limit"));
    if (autoDelete) {
      broker.deleteQueue(spec.name());
    }
  }

  /** Requeues, at the head and in their original order, deliveries a closed consumer held. */
  void requeueAll(List<MemoryDelivery> unsettled) {
    List<Entry> overLimit = new ArrayList<>(0);
    lock.lock();
    try {
      unacknowledged = Math.max(0, unacknowledged - unsettled.size());
      broker.changed();
      requeue(entries(unsettled), overLimit);
      dispatch();
    } finally {
      lock.unlock();
    }
    overLimit.forEach(e -> deadLetter(e, "delivery_limit"));
  }

  /** Copies of the first ready messages, left where they are; expired ones are passed over. */
  List<BrowsedMessage> browse(int limit) {
    lock.lock();
    try {
      long now = broker.nanoTime();
      List<BrowsedMessage> out = new ArrayList<>(Math.min(limit, ready.size()));
      for (Entry e : ready) {
        if (out.size() >= limit) {
          break;
        }
        if (e.expiresAt > now) {
          out.add(new BrowsedMessage(shown(e), e.exchange, e.routingKey, e.redelivered));
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** The message as a delivery shows it. */
  private Message shown(Entry entry) {
    if (!quorum || entry.returns == 0) {
      return entry.message;
    }
    // why: a quorum queue tells a redelivery how many times the message came back before
    Map<String, Object> headers = new LinkedHashMap<>(entry.message.headers());
    headers.put(QueueSpec.DELIVERY_COUNT_HEADER, entry.returns);
    return entry.message.withHeaders(headers);
  }

  Delivery get(InMemoryTransport connection) {
    lock.lock();
    try {
      lastUsed = broker.nanoTime();
      while (!ready.isEmpty()) {
        Entry head = ready.pollFirst();
        broker.changed();
        if (head.expiresAt <= broker.nanoTime()) {
          broker.deadLettering();
          deadLetter(head, "expired");
          continue;
        }
        MemoryConsumer getter = connection.getter(this);
        MemoryDelivery d = new MemoryDelivery(this, getter, head);
        unacknowledged++;
        rates.delivered();
        getter.hold(d);
        return d;
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  long purge() {
    lock.lock();
    try {
      long n = ready.size();
      ready.clear();
      broker.changed();
      return n;
    } finally {
      lock.unlock();
    }
  }

  QueueInfo info() {
    lock.lock();
    try {
      return new QueueInfo(
          spec.name(),
          ready.size(),
          unacknowledged,
          consumers.size(),
          spec.durable(),
          spec.arguments(),
          rates.read(broker.nanoTime()));
    } finally {
      lock.unlock();
    }
  }

  void deleted() {
    List<MemoryConsumer> gone;
    lock.lock();
    try {
      deleted = true;
      ready.clear();
      broker.changed();
      gone = List.copyOf(consumers);
      consumers.clear();
      if (expiryCheck != null) {
        expiryCheck.cancel(false);
      }
      if (headExpiry != null) {
        headExpiry.cancel(false);
      }
    } finally {
      lock.unlock();
    }
    for (MemoryConsumer c : gone) {
      c.queueDeleted();
    }
  }

  /** Checks, a quarter of the expiry after the last check, whether the queue went unused. */
  private void scheduleExpiryCheck() {
    if (expires == null) {
      return;
    }
    expiryCheck =
        broker.schedule(this::checkExpiry, TimeUnit.MILLISECONDS.toNanos(Math.max(1, expires / 4)));
  }

  private void checkExpiry() {
    boolean expire;
    lock.lock();
    try {
      if (deleted) {
        return;
      }
      expire =
          consumers.isEmpty()
              && broker.nanoTime() - lastUsed >= TimeUnit.MILLISECONDS.toNanos(expires);
      if (!expire) {
        scheduleExpiryCheck();
      }
    } finally {
      lock.unlock();
    }
    if (expire) {
      broker.expireQueue(this);
    }
  }

  /**
   * Must not hold the lock.
   *
   * @return whether a message here moves without the clock's help: one ready for a consumer, or one
   *     handed out and not settled. why: a message waiting for its TTL moves when its timer runs,
   *     which a virtual clock's owner does
   */
  boolean busy() {
    lock.lock();
    try {
      long waiting = 0;
      boolean moving = false;
      for (MemoryConsumer c : consumers) {
        int held = c.waitingForClock();
        waiting += held;
        moving |= held == 0;
      }
      // why: a consumer holding a delivery for a timer moves when the clock's owner runs it, as a
      // message waiting for its TTL does; ready messages wait for it too unless another consumer
      // can take them
      return unacknowledged > waiting || (!ready.isEmpty() && moving);
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return what is {@linkplain #busy busy} here, in words, or empty
   */
  Optional<String> pending() {
    lock.lock();
    try {
      List<String> what = new ArrayList<>(2);
      if (!ready.isEmpty() && !consumers.isEmpty()) {
        what.add(ready.size() + " ready for " + consumers.size() + " consumer(s)");
      }
      long waiting = 0;
      for (MemoryConsumer c : consumers) {
        waiting += c.waitingForClock();
      }
      if (unacknowledged > waiting) {
        what.add((unacknowledged - waiting) + " delivered, not yet acknowledged");
      }
      return what.isEmpty()
          ? Optional.empty()
          : Optional.of("queue '" + spec.name() + "': " + String.join(", ", what));
    } finally {
      lock.unlock();
    }
  }

  /** A message handed to a consumer or a get. */
  static final class MemoryDelivery implements Delivery {
    private final MemoryQueue queue;
    private final MemoryConsumer consumer;
    private final Entry entry;
    private final AtomicBoolean settled = new AtomicBoolean();

    MemoryDelivery(MemoryQueue queue, MemoryConsumer consumer, Entry entry) {
      this.queue = queue;
      this.consumer = consumer;
      this.entry = entry;
    }

    @Override
    public Message message() {
      return queue.shown(entry);
    }

    @Override
    public String exchange() {
      return entry.exchange;
    }

    @Override
    public String routingKey() {
      return entry.routingKey;
    }

    @Override
    public boolean redelivered() {
      return entry.redelivered;
    }

    @Override
    public void ack() {
      settle(true, false);
    }

    @Override
    public void waitingForClock(boolean waiting) {
      consumer.waitingForClock(this, waiting);
      queue.broker.changed();
    }

    @Override
    public void reject(boolean requeue) {
      settle(false, requeue);
    }

    private void settle(boolean ack, boolean requeue) {
      if (settled.compareAndSet(false, true)) {
        boolean lastOfCancelled = consumer.release(this);
        queue.settle(this, ack, requeue);
        if (lastOfCancelled) {
          // why: after the settle, so a message given back is in the queue before the next
          // single active consumer starts
          consumer.leave();
        }
      }
    }

    /** Marks it settled without telling the queue: its consumer's connection closed. */
    boolean abandon() {
      return settled.compareAndSet(false, true);
    }
  }
}
