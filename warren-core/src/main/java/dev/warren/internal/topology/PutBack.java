package dev.warren.internal.topology;

import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns messages read with {@code get} (a peek, a dead-letter listing) to their queue so that the
 * queue keeps its order, whatever its type.
 *
 * <p>why: RabbitMQ puts a requeued message back in three different places. A classic queue puts it
 * at its original position; a quorum queue with a delivery limit serves returned messages first, in
 * the order returned; a quorum queue without one (a dead-letter queue) puts them at the back, in
 * the order returned. Returning the taken messages in the order taken is right for the first two;
 * for the third it rotates the queue, so the messages behind the taken ones are then cycled once
 * (taken and returned one by one) until the taken ones are at the head again.
 */
public final class PutBack {
  private static final Logger log = LoggerFactory.getLogger(PutBack.class);

  /** At most this many messages are cycled to restore a rotated queue's order. */
  static final long MAX_CYCLED = 100_000;

  private PutBack() {}

  /**
   * Returns the taken messages, which were the first ones of the queue, in the queue's order. Other
   * readers and publishers of the queue meanwhile can still change it.
   *
   * @param transport the transport the messages were taken from
   * @param queue their queue
   * @param taken the messages taken with {@link Transport#get}, in the order taken, all still
   *     unsettled
   * @param behind how many ready messages were left behind the taken ones (none when the last
   *     {@code get} found the queue empty: then the order they are returned in alone decides)
   */
  public static void inOrder(Transport transport, String queue, List<Delivery> taken, long behind) {
    for (Delivery d : taken) {
      try {
        d.reject(true);
      } catch (RuntimeException e) {
        // the broker requeues what a closed channel held unacknowledged
        log.warn("returning a message to {} failed: {}", queue, e.toString());
        return;
      }
    }
    if (taken.isEmpty() || behind <= 0) {
      return;
    }
    Optional<Delivery> head = transport.get(queue);
    if (head.isEmpty()) {
      return;
    }
    boolean inPlace = same(head.get().message(), taken.get(0).message());
    head.get().reject(true);
    if (inPlace) {
      return;
    }
    // the queue puts returns at the back: cycle what was behind the taken messages
    long cycled = 1;
    for (; cycled < Math.min(behind, MAX_CYCLED); cycled++) {
      Optional<Delivery> next = transport.get(queue);
      if (next.isEmpty()) {
        break;
      }
      next.get().reject(true);
    }
    if (behind > MAX_CYCLED) {
      log.warn(
          "{} has {} messages behind the ones read; only {} were cycled, so its order changed",
          queue,
          behind,
          MAX_CYCLED);
    }
  }

  private static boolean same(Message a, Message b) {
    return Objects.equals(a.messageId(), b.messageId()) && Arrays.equals(a.body(), b.body());
  }
}
