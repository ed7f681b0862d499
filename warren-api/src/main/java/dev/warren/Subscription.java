package dev.warren;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a subscriber receives and how: a name, one or more topic patterns, and whether instances
 * compete for the events or each receive every one. Immutable: each method returns a changed copy.
 *
 * <pre>{@code
 * // every instance evicts its own cache
 * Subscription.named("cache-invalidation").pattern("virtual-key.*").broadcast();
 * // instances share the work
 * Subscription.named("spend-updates").pattern("virtual-key.spend-requested").concurrency(4);
 * }</pre>
 *
 * <p>A <b>competing</b> subscription (the default) has one durable queue named after it, shared by
 * every instance that subscribes with that name, so they split the work. A <b>broadcast</b>
 * subscription gives each instance its own queue, which the broker removes some time after the
 * instance is gone. Failed events of both end in the dead-letter queue {@code <name>.dlq}.
 */
public final class Subscription {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

  /** How the instances subscribed under one name share events. */
  public enum Mode {
    /** Instances share one queue and split the events between them. */
    COMPETING,
    /** Each instance gets its own queue and every event. */
    BROADCAST
  }

  /** The RabbitMQ queue type of the subscription's queue. */
  public enum QueueType {
    /** A classic queue, the default. */
    CLASSIC,
    /** A replicated quorum queue, for clusters (not for broadcast subscriptions). */
    QUORUM
  }

  private final String name;
  private final List<String> patterns;
  private final Mode mode;
  private final int prefetch;
  private final int concurrency;
  private final QueueType queueType;

  private Subscription(
      String name,
      List<String> patterns,
      Mode mode,
      int prefetch,
      int concurrency,
      QueueType queueType) {
    this.name = name;
    this.patterns = List.copyOf(patterns);
    this.mode = mode;
    this.prefetch = prefetch;
    this.concurrency = concurrency;
    this.queueType = queueType;
  }

  /**
   * Starts a subscription. The name is also the name of its queue and its dead-letter queue.
   *
   * @param name letters, digits, {@code . _ : -}; at most 200 characters
   * @return a competing subscription with no pattern yet
   * @throws InvalidEventException when the name is not valid
   */
  public static Subscription named(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidEventException(
          "invalid subscription name '"
              + name
              + "': use letters, digits and . _ : - (at most 200, starting with a letter or digit)");
    }
    if (name.startsWith("amq.")) {
      throw new InvalidEventException(
          "invalid subscription name '" + name + "': names starting with 'amq.' are reserved");
    }
    if (name.endsWith(".dlq")) {
      throw new InvalidEventException(
          "invalid subscription name '" + name + "': '.dlq' is the dead-letter queue's suffix");
    }
    return new Subscription(name, List.of(), Mode.COMPETING, 0, 1, QueueType.CLASSIC);
  }

  /**
   * Adds a topic pattern; an event is delivered once even when several patterns match it.
   *
   * @param pattern {@code *} matches one word, {@code #} zero or more
   * @return a copy with the pattern added
   * @throws InvalidEventException when the pattern is not valid
   */
  public Subscription pattern(String pattern) {
    Topics.requireValidPattern(pattern);
    List<String> all = new ArrayList<>(patterns);
    if (!all.contains(pattern)) {
      all.add(pattern);
    }
    return new Subscription(name, all, mode, prefetch, concurrency, queueType);
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
    return new Subscription(name, patterns, Mode.BROADCAST, prefetch, concurrency, queueType);
  }

  /**
   * @return a copy in which instances share the events (the default)
   */
  public Subscription competing() {
    return new Subscription(name, patterns, Mode.COMPETING, prefetch, concurrency, queueType);
  }

  /**
   * @param prefetch how many unacknowledged events the broker may hand this instance at once
   * @return a copy with that prefetch
   */
  public Subscription prefetch(int prefetch) {
    if (prefetch < 1 || prefetch > 65_535) {
      throw new InvalidEventException("invalid prefetch " + prefetch + ": use 1 to 65535");
    }
    return new Subscription(name, patterns, mode, prefetch, concurrency, queueType);
  }

  /**
   * @param concurrency how many events this instance handles at the same time
   * @return a copy with that concurrency
   */
  public Subscription concurrency(int concurrency) {
    if (concurrency < 1 || concurrency > 1024) {
      throw new InvalidEventException("invalid concurrency " + concurrency + ": use 1 to 1024");
    }
    return new Subscription(name, patterns, mode, prefetch, concurrency, queueType);
  }

  /**
   * @param queueType the RabbitMQ queue type
   * @return a copy with that queue type
   */
  public Subscription queueType(QueueType queueType) {
    return new Subscription(
        name, patterns, mode, prefetch, concurrency, Objects.requireNonNull(queueType));
  }

  /**
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * @return the patterns, in the order they were added
   */
  public List<String> patterns() {
    return patterns;
  }

  /**
   * @return competing or broadcast
   */
  public Mode mode() {
    return mode;
  }

  /**
   * @return the prefetch, or 0 to use the instance default ({@link WarrenOptions#prefetch()}),
   *     raised to at least the concurrency
   */
  public int prefetch() {
    return prefetch;
  }

  /**
   * @return how many events are handled at the same time
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * @return the queue type
   */
  public QueueType queueType() {
    return queueType;
  }

  /**
   * @return the name of the dead-letter queue, {@code <name>.dlq}
   */
  public String deadLetterQueue() {
    return name + ".dlq";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subscription s
        && name.equals(s.name)
        && patterns.equals(s.patterns)
        && mode == s.mode
        && prefetch == s.prefetch
        && concurrency == s.concurrency
        && queueType == s.queueType;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, patterns, mode, prefetch, concurrency, queueType);
  }

  @Override
  public String toString() {
    return "Subscription[" + name + " " + patterns + " " + mode.name().toLowerCase() + "]";
  }
}
