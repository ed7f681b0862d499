package dev.warren;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What a subscriber receives and how: a name, one or more topic patterns, and whether instances
 * compete for the events or each receive every one. Immutable: each method returns a changed copy.
 *
 * <pre>{@code
 * // every instance evicts its own cache
 * Subscription.named("cache-invalidation").pattern("virtual-key.*").broadcast();
 * // instances share the work, four at a time each, retried then dead-lettered
 * Subscription.named("spend-updates").pattern("virtual-key.spend-requested").concurrency(4);
 * // one key at a time, in publish order, across every instance
 * Subscription.named("spend-ledger").pattern("virtual-key.spend-requested").ordered().partitions(8);
 * }</pre>
 *
 * <p>A <b>competing</b> subscription (the default) has one durable queue named after it, shared by
 * every instance that subscribes with that name, so they split the work. A <b>broadcast</b>
 * subscription gives each instance its own queue, which the broker removes some time after the
 * instance is gone. An <b>ordered</b> subscription spreads events over {@link #partitions()} queues
 * by their {@linkplain Event#partitionKey() partition key}; each queue has a single active consumer
 * across all instances, so events of one key are handled one at a time, in order. Failed events are
 * retried per the {@link RetryPolicy} and then end in the dead-letter queue {@code <name>.dlq}.
 */
public final class Subscription {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

  /** How the instances subscribed under one name share events. */
  public enum Mode {
    /** Instances share one queue and split the events between them. */
    COMPETING,
    /** Each instance gets its own queue and every event. */
    BROADCAST,
    /** Events are partitioned by key; each partition is handled by one instance at a time. */
    ORDERED
  }

  /** The RabbitMQ queue type of the subscription's queues. */
  public enum QueueType {
    /**
     * As {@link WarrenOptions#queueType()} says (the default): a quorum queue when the broker
     * supports it, except a broadcast subscription's queue of one instance, which stays classic; a
     * queue that exists already as a classic queue is used as it is.
     */
    AUTO,
    /** A classic queue: not replicated. */
    CLASSIC,
    /**
     * A replicated quorum queue, with at-least-once dead-lettering and a delivery limit for poison
     * messages.
     */
    QUORUM
  }

  private static final class Fields implements Cloneable {
    String name;
    List<String> patterns = List.of();
    Mode mode = Mode.COMPETING;
    int prefetch;
    int concurrency = 1;
    int partitions = 8;
    QueueType queueType = QueueType.AUTO;
    RetryPolicy retry = RetryPolicy.defaults();
    IdempotencyStore deduplication;

    @Override
    protected Fields clone() {
      try {
        return (Fields) super.clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private final Fields f;

  private Subscription(Fields f) {
    this.f = f;
  }

  private Subscription with(Consumer<Fields> change) {
    Fields copy = f.clone();
    change.accept(copy);
    return new Subscription(copy);
  }

  /**
   * Starts a subscription. The name is also the name of its queue and its dead-letter queue.
   *
   * @param name letters, digits, {@code . _ : -}; at most 200 characters
   * @return a competing subscription with no pattern yet
   * @throws InvalidInputException when the name is not valid
   */
  public static Subscription named(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          "invalid subscription name '"
              + name
              + "': use letters, digits and . _ : - (at most 200, starting with a letter or digit)");
    }
    if (name.startsWith("amq.")) {
      throw new InvalidInputException(
          "invalid subscription name '" + name + "': names starting with 'amq.' are reserved");
    }
    if (name.endsWith(".dlq")) {
      throw new InvalidInputException(
          "invalid subscription name '" + name + "': '.dlq' is the dead-letter queue's suffix");
    }
    Fields f = new Fields();
    f.name = name;
    return new Subscription(f);
  }

  /**
   * Adds a topic pattern; an event is delivered once even when several patterns match it.
   *
   * @param pattern {@code *} matches one word, {@code #} zero or more
   * @return a copy with the pattern added
   * @throws InvalidInputException when the pattern is not valid
   */
  public Subscription pattern(String pattern) {
    Topics.requireValidPattern(pattern);
    return with(
        x -> {
          List<String> all = new ArrayList<>(x.patterns);
          if (!all.contains(pattern)) {
            all.add(pattern);
          }
          x.patterns = List.copyOf(all);
        });
  }

  /**
   * @param patterns patterns to add
   * @return a copy with the patterns added
   */
  public Subscription patterns(String... patterns) {
    Subscription s = this;
    for (String p : patterns) {
      s = s.pattern(p);
    }
    return s;
  }

  /**
   * @return a copy in which every instance receives every event
   */
  public Subscription broadcast() {
    return with(x -> x.mode = Mode.BROADCAST);
  }

  /**
   * @return a copy in which instances share the events (the default)
   */
  public Subscription competing() {
    return with(x -> x.mode = Mode.COMPETING);
  }

  /**
   * @return a copy that handles events of one partition key one at a time, in publish order, across
   *     every instance
   */
  public Subscription ordered() {
    return with(x -> x.mode = Mode.ORDERED);
  }

  /**
   * @param partitions how many partitions an ordered subscription spreads keys over (1 to 256);
   *     makes the subscription ordered
   * @return a copy with that many partitions
   */
  public Subscription partitions(int partitions) {
    if (partitions < 1 || partitions > 256) {
      throw new InvalidInputException("invalid partitions " + partitions + ": use 1 to 256");
    }
    return with(
        x -> {
          x.partitions = partitions;
          x.mode = Mode.ORDERED;
        });
  }

  /**
   * @param prefetch how many unacknowledged events the broker may hand this instance at once
   * @return a copy with that prefetch
   */
  public Subscription prefetch(int prefetch) {
    if (prefetch < 1 || prefetch > 65_535) {
      throw new InvalidInputException("invalid prefetch " + prefetch + ": use 1 to 65535");
    }
    return with(x -> x.prefetch = prefetch);
  }

  /**
   * @param concurrency how many events this instance handles at the same time (per partition queue,
   *     ordered subscriptions handle one at a time regardless)
   * @return a copy with that concurrency
   */
  public Subscription concurrency(int concurrency) {
    if (concurrency < 1 || concurrency > 1024) {
      throw new InvalidInputException("invalid concurrency " + concurrency + ": use 1 to 1024");
    }
    return with(x -> x.concurrency = concurrency);
  }

  /**
   * @param queueType the RabbitMQ queue type
   * @return a copy with that queue type
   */
  public Subscription queueType(QueueType queueType) {
    Objects.requireNonNull(queueType, "queueType");
    return with(x -> x.queueType = queueType);
  }

  /**
   * @param retry what to do when the handler throws
   * @return a copy with that retry policy
   */
  public Subscription retry(RetryPolicy retry) {
    Objects.requireNonNull(retry, "retry");
    return with(x -> x.retry = retry);
  }

  /**
   * Skips events this subscription already handled, remembered in a bounded in-memory window of the
   * last 100,000 ids per instance.
   *
   * @return a copy that de-duplicates by event id
   */
  public Subscription deduplicate() {
    return deduplicate(new BoundedIdempotencyStore(100_000));
  }

  /**
   * @param store where handled event ids are remembered, for example shared by every instance
   * @return a copy that de-duplicates by event id
   */
  public Subscription deduplicate(IdempotencyStore store) {
    Objects.requireNonNull(store, "store");
    return with(x -> x.deduplication = store);
  }

  /**
   * @return the name
   */
  public String name() {
    return f.name;
  }

  /**
   * @return the patterns, in the order they were added
   */
  public List<String> patterns() {
    return f.patterns;
  }

  /**
   * @return competing, broadcast or ordered
   */
  public Mode mode() {
    return f.mode;
  }

  /**
   * @return the prefetch, or 0 to use the instance default ({@link WarrenOptions#prefetch()}),
   *     raised to at least the concurrency
   */
  public int prefetch() {
    return f.prefetch;
  }

  /**
   * @return how many events are handled at the same time
   */
  public int concurrency() {
    return f.concurrency;
  }

  /**
   * @return how many partitions an ordered subscription has
   */
  public int partitions() {
    return f.partitions;
  }

  /**
   * @return the queue type
   */
  public QueueType queueType() {
    return f.queueType;
  }

  /**
   * @return the retry policy
   */
  public RetryPolicy retry() {
    return f.retry;
  }

  /**
   * @return where handled ids are remembered, or {@code null} when the subscription does not
   *     de-duplicate
   */
  public IdempotencyStore deduplication() {
    return f.deduplication;
  }

  /**
   * @return the name of the dead-letter queue, {@code <name>.dlq}
   */
  public String deadLetterQueue() {
    return f.name + ".dlq";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subscription s
        && f.name.equals(s.f.name)
        && f.patterns.equals(s.f.patterns)
        && f.mode == s.f.mode
        && f.prefetch == s.f.prefetch
        && f.concurrency == s.f.concurrency
        && f.partitions == s.f.partitions
        && f.queueType == s.f.queueType
        && f.retry.equals(s.f.retry)
        && Objects.equals(f.deduplication, s.f.deduplication);
  }

  @Override
  public int hashCode() {
    return Objects.hash(f.name, f.patterns, f.mode, f.prefetch, f.concurrency, f.partitions);
  }

  @Override
  public String toString() {
    return "Subscription[" + f.name + " " + f.patterns + " " + f.mode.name().toLowerCase() + "]";
  }
}
