package dev.warren.internal.topology;

import dev.warren.Subscription;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenOptions;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares Warren's durable queues with the queue type the options ask for ({@link
 * WarrenOptions#queueType()}): quorum queues when the broker supports them, with at-least-once
 * dead-lettering and {@link WarrenOptions#deliveryLimit()} where they are consumed.
 *
 * <p>A queue that exists already in a shape Warren declared before (a classic queue, or a quorum
 * queue without the newer arguments) is used as it is, with one warning per queue and process: the
 * broker refuses a declaration that differs from the existing queue (PRECONDITION_FAILED), so the
 * wanted declaration is tried first and the accepted older shapes after it. Changing a queue's type
 * means moving its messages to a new queue (README, "Quorum queues").
 */
public final class QueueDeclarer {
  private static final Logger log = LoggerFactory.getLogger(QueueDeclarer.class);

  /** Queues whose older shape was reported, so each is reported once per process. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Transport transport;
  private final boolean quorum;
  private final int deliveryLimit;
  private final Map<String, QueueSpec> inUse = new ConcurrentHashMap<>();

  /**
   * @param transport where the queues are declared
   * @param type the queue type asked for; {@link Subscription.QueueType#AUTO} is quorum when the
   *     transport supports it
   * @param deliveryLimit the delivery limit of consumed quorum queues, 0 for none
   */
  public QueueDeclarer(Transport transport, Subscription.QueueType type, int deliveryLimit) {
    this.transport = transport;
    this.quorum =
        switch (type) {
          case AUTO -> transport.supportsQuorumQueues();
          case QUORUM -> true;
          case CLASSIC -> false;
        };
    this.deliveryLimit = deliveryLimit;
  }

  /**
   * @param transport where the queues are declared
   * @param options the queue type and delivery limit
   * @return a declarer following the options
   */
  public static QueueDeclarer of(Transport transport, WarrenOptions options) {
    return new QueueDeclarer(transport, options.queueType(), options.deliveryLimit());
  }

  /**
   * @param transport where the queues are declared
   * @return a declarer of classic queues only
   */
  public static QueueDeclarer classic(Transport transport) {
    return new QueueDeclarer(transport, Subscription.QueueType.CLASSIC, 0);
  }

  /**
   * @return the transport
   */
  public Transport transport() {
    return transport;
  }

  /**
   * @return whether durable queues are declared as quorum queues
   */
  public boolean quorum() {
    return quorum;
  }

  /**
   * @return the delivery limit given to consumed quorum queues, 0 for none
   */
  public int deliveryLimit() {
    return deliveryLimit;
  }

  /**
   * @param type a subscription's queue type
   * @return whether it means a quorum queue here
   */
  public boolean quorum(Subscription.QueueType type) {
    return switch (type) {
      case AUTO -> quorum;
      case QUORUM -> true;
      case CLASSIC -> false;
    };
  }

  /**
   * Declares a queue, or uses it as it exists when it has one of the accepted older shapes.
   *
   * @param wanted the declaration wanted
   * @param accepted older declarations of the same queue, tried in order when the broker refuses
   *     the wanted one because the queue exists with other settings
   * @return the declaration in use
   * @throws TopologyMismatchException when the queue exists in none of these shapes (the wanted
   *     declaration's refusal, the others' suppressed)
   */
  public QueueSpec declare(QueueSpec wanted, QueueSpec... accepted) {
    QueueSpec known = inUse.get(wanted.name());
    if (known != null && !known.equals(wanted)) {
      // why: once found in an older shape, it keeps it; no refused declaration each time
      try {
        transport.declareQueue(known);
        return known;
      } catch (TopologyMismatchException e) {
        // it was replaced meanwhile (moved to a quorum queue): look again
        inUse.remove(wanted.name());
      }
    }
    try {
      transport.declareQueue(wanted);
      inUse.put(wanted.name(), wanted);
      return wanted;
    } catch (TopologyMismatchException refused) {
      for (QueueSpec older : accepted) {
        if (older.equals(wanted)) {
          continue;
        }
        try {
          transport.declareQueue(older);
        } catch (TopologyMismatchException e) {
          refused.addSuppressed(e);
          continue;
        }
        inUse.put(wanted.name(), older);
        warnOnce(wanted, older);
        return older;
      }
      throw refused;
    }
  }

  private void warnOnce(QueueSpec wanted, QueueSpec older) {
    if (!WARNED.add(transport.describe() + " " + wanted.name())) {
      return;
    }
    if (wanted.quorum() && !older.quorum()) {
      log.warn(
          "queue '{}' exists as a classic queue: Warren uses it as it is (not replicated,"
              + " dead letters at most once, no delivery limit for poison messages); to move it to"
              + " a quorum queue without losing messages, see the README section 'Quorum queues'",
          wanted.name());
    } else {
      log.warn(
          "queue '{}' exists with the arguments {}: Warren uses it as it is, without {}; to"
              + " change them, move it to a new queue (README, 'Quorum queues')",
          wanted.name(),
          older.arguments(),
          missing(wanted, older));
    }
  }

  private static Map<String, Object> missing(QueueSpec wanted, QueueSpec older) {
    Map<String, Object> m = new java.util.TreeMap<>(wanted.arguments());
    m.keySet().removeAll(older.arguments().keySet());
    return m;
  }
}
