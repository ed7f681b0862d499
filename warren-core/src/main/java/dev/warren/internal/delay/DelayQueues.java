package dev.warren.internal.delay;

import dev.warren.WarrenClock;
import dev.warren.internal.topology.QueueDeclarer;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Warren's one delayed-delivery mechanism: holds messages that are due later (event retry backoff,
 * task countdowns, ETAs and retries) in the broker, never in a process: wait queues {@code
 * <queue>.wait.<ms>ms} without consumers, whose messages dead-letter back to their queue through
 * the default exchange when their TTL runs out. A consumer that gets a message before its due time
 * ({@link #early}) parks it again for the rest.
 *
 * <p>Event retries (a subscription's backoff, due time in a header) and tasks (countdowns, ETAs and
 * retries, due time in the task) both go through here.
 *
 * <p>Each wait queue has one fixed delay, a power of two from {@value #MIN_TIER_MS} ms up, so the
 * messages in it expire in the order they were added (RabbitMQ only expires messages at the head of
 * a queue; mixed TTLs in one queue would hold short ones behind long ones). A task due in 10 s
 * takes the 8192 ms queue, comes back to the task queue, is seen to be early by a worker, and is
 * parked again for the rest (1024 ms, then 512 ms, …): at most one hop per set bit of the delay,
 * and at most ~27 queues per task queue. A task within {@value #TOLERANCE_MS} ms of its ETA runs.
 *
 * <p>Where the broker supports them ({@link QueueDeclarer#quorum()}), wait queues are quorum queues
 * (replicated, RabbitMQ 3.10+ supports message TTL on them) that dead-letter at least once: a
 * message leaves the wait queue only once its target queue confirmed it, so a retry survives the
 * loss of a node. A wait queue that exists as a classic queue is used as it is. The wait queues of
 * a queue that expires stay classic: a quorum queue's expiry is not renewed by declaring it again.
 */
public final class DelayQueues {
  /** The shortest wait queue delay. */
  public static final long MIN_TIER_MS = 16;

  /** How early a task may run rather than take another hop. */
  public static final long TOLERANCE_MS = MIN_TIER_MS - 1;

  /** The longest wait queue delay (~24.9 days), below RabbitMQ's TTL limit. */
  public static final long MAX_TIER_MS = 1L << 31;

  private final Transport transport;
  private final QueueDeclarer queues;
  private final WarrenClock clock;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> expiringDeclaredAt = new ConcurrentHashMap<>();

  /**
   * @param transport where the wait queues live, all classic, on the system clock
   */
  public DelayQueues(Transport transport) {
    this(QueueDeclarer.classic(transport), WarrenClock.system());
  }

  /**
   * @param queues where the wait queues live and which type they have
   * @param clock the clock due times are read on: the options' clock, which the in-memory broker
   *     times its wait queues with too
   */
  public DelayQueues(QueueDeclarer queues, WarrenClock clock) {
    this.transport = queues.transport();
    this.queues = queues;
    this.clock = clock;
  }

  /**
   * @return the current time on the clock due times are read on
   */
  public Instant now() {
    return clock.instant();
  }

  /**
   * @param eta when the task is due
   * @param now the current time
   * @return whether it must wait longer
   */
  public static boolean early(Instant eta, Instant now) {
    return eta != null && Duration.between(now, eta).toMillis() > TOLERANCE_MS;
  }

  /**
   * @param remainingMs how long until the task is due, more than {@link #TOLERANCE_MS}
   * @return the wait queue delay to use: the largest tier not beyond the remaining time
   */
  public static long tier(long remainingMs) {
    return Math.max(MIN_TIER_MS, Long.highestOneBit(Math.min(remainingMs, MAX_TIER_MS)));
  }

  /**
   * @param queue the task queue
   * @param tierMs the delay
   * @return the wait queue's classic declaration, as earlier versions made it
   */
  public static QueueSpec spec(String queue, long tierMs) {
    return QueueSpec.durable(queue + ".wait." + tierMs + "ms")
        .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
        .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, queue);
  }

  /**
   * @param queue a queue
   * @return the names of every wait queue it may have, shortest delay first
   */
  public static List<String> waitQueueNames(String queue) {
    List<String> names = new ArrayList<>();
    for (long tier = MIN_TIER_MS; tier <= MAX_TIER_MS; tier <<= 1) {
      names.add(spec(queue, tier).name());
    }
    return names;
  }

  /**
   * Parks a message until (about) its due time, or the next hop towards it.
   *
   * @param queue the queue it returns to
   * @param message the message
   * @param eta when it is due
   * @return completes when the broker confirmed it in the wait queue
   */
  public CompletableFuture<Void> park(String queue, Message message, Instant eta) {
    long remaining = Duration.between(now(), eta).toMillis();
    long tier = tier(remaining);
    QueueSpec wait = spec(queue, tier);
    if (!declared.contains(wait.name())) {
      if (queues.quorum()) {
        queues.declare(wait.asQuorum(0), wait);
      } else {
        queues.declare(wait);
      }
      declared.add(wait.name());
    }
    return transport.publish("", wait.name(), message.withExpiration(tier));
  }

  /**
   * Parks a message for a queue that expires when unused (a broadcast subscription's queue): its
   * wait queues expire too, {@code queueExpiry} after their longest wait, so they do not outlive
   * it.
   *
   * @param queue the queue it returns to
   * @param message the message
   * @param eta when it is due
   * @param queueExpiry how long the queue outlives its last consumer; {@code null} for a queue that
   *     stays, as {@link #park(String, Message, Instant)}
   * @return completes when the broker confirmed it in the wait queue
   */
  public CompletableFuture<Void> park(
      String queue, Message message, Instant eta, Duration queueExpiry) {
    if (queueExpiry == null) {
      return park(queue, message, eta);
    }
    long tier = tier(Duration.between(now(), eta).toMillis());
    long expires = queueExpiry.toMillis() + tier;
    QueueSpec wait = spec(queue, tier).withArgument(QueueSpec.EXPIRES, expires);
    // why: a queue that expires counts as unused while it only holds messages (a wait queue has no
    // consumer), so it is declared again, which restarts its expiry, at least every half expiry
    long now = Clocks.nanoTime(clock);
    Long at = expiringDeclaredAt.get(wait.name());
    if (at == null || now - at > TimeUnit.MILLISECONDS.toNanos(expires / 2)) {
      transport.declareQueue(wait);
      expiringDeclaredAt.put(wait.name(), now);
    }
    return transport.publish("", wait.name(), message.withExpiration(tier));
  }
}
