package dev.warren;

import java.util.Collection;
import java.util.List;

/**
 * A subscription's dead-letter queue, {@code <subscription>.dlq}: inspect it, send its events back
 * to the subscription once the cause is fixed, or drop them.
 *
 * <pre>{@code
 * DeadLetters dlq = warren.deadLetters("spend-updates");
 * dlq.peek(10).forEach(d -> log.info("{} failed: {}", d.id(), d.errorMessage()));
 * dlq.replay();   // back to spend-updates only, attempts reset
 * }</pre>
 */
public interface DeadLetters {
  /**
   * @return the subscription name
   */
  String subscription();

  /**
   * @return how many dead letters wait in the queue
   */
  long count();

  /**
   * Reads dead letters without removing them (they are taken and returned to the queue, in order).
   *
   * @param limit the most to read
   * @return up to {@code limit} dead letters, oldest first
   */
  List<DeadLetter> peek(int limit);

  /**
   * Sends every dead letter back to the subscription's own queue (not to other subscriptions), with
   * its attempt count reset and its replay count incremented.
   *
   * @return how many were replayed
   */
  long replay();

  /**
   * Sends the dead letters with these ids back to the subscription's queue; the others stay.
   *
   * @param ids dead-letter ids (event ids)
   * @return how many were replayed
   */
  long replay(Collection<String> ids);

  /**
   * Deletes every dead letter.
   *
   * @return how many were deleted
   */
  long purge();
}
