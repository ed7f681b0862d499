package dev.warren.internal.retry;

import dev.warren.internal.deadletters.Failure;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.transport.Message;
import dev.warren.transport.WarrenHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Delayed retries of one subscription, held by the broker in {@link DelayQueues}: a failed event is
 * parked with its due time in a header ({@link WarrenHeaders#RETRY_DUE}) and comes back to its
 * queue through the wait queues' tiers; one that comes back before it is due ({@link #early}) is
 * parked again for the rest. Each wait queue has one delay, so a retry due in 1 s never waits
 * behind one due in 5 min.
 *
 * <p>The caller settles the delivery: acknowledges it only once the park was confirmed.
 */
public final class DelayedRetries {
  private final DelayQueues delays;
  private final Duration queueExpiry;

  /**
   * @param delays the wait queues
   * @param queueExpiry how long the subscription's queue outlives its consumers (a broadcast
   *     queue), so its wait queues go too; {@code null} for queues that stay
   */
  public DelayedRetries(DelayQueues delays, Duration queueExpiry) {
    this.delays = delays;
    this.queueExpiry = queueExpiry;
  }

  /**
   * @param message a delivered message
   * @return when its delayed retry is due, or {@code null} when it is no delayed retry
   */
  public static Instant due(Message message) {
    String due = message.header(WarrenHeaders.RETRY_DUE);
    if (due == null) {
      return null;
    }
    try {
      return Instant.parse(due);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * @param message a delivered message
   * @param now the current time
   * @return whether it is a delayed retry that came back before it is due
   */
  public static boolean early(Message message, Instant now) {
    return DelayQueues.early(due(message), now);
  }

  /**
   * Parks a failed delivery until its next retry is due.
   *
   * @param failure the failure, its delivery not settled yet
   * @param retries how many delayed retries it has had, this one included
   * @param delay how long until it is due
   * @return completes when the broker confirmed it in a wait queue
   * @throws dev.warren.WarrenException when a wait queue cannot be declared
   */
  public CompletableFuture<Void> park(Failure failure, long retries, Duration delay) {
    Instant now = delays.now();
    Instant due = now.plus(delay);
    Map<String, Object> headers = failure.headers(now);
    headers.put(WarrenHeaders.RETRIES, retries);
    headers.put(WarrenHeaders.RETRY_DUE, due.toString());
    Message waiting = failure.delivery().message().withHeaders(headers);
    return delays.park(failure.queue(), waiting, due, queueExpiry);
  }

  /**
   * Parks a delivery that came back before it is due again, for the rest of its wait.
   *
   * @param queue the queue it came from and returns to
   * @param message the message, as delivered
   * @return completes when the broker confirmed it in a wait queue
   * @throws dev.warren.WarrenException when a wait queue cannot be declared
   */
  public CompletableFuture<Void> parkAgain(String queue, Message message) {
    // why: the broker records each hop through a wait queue in x-death; a retry needs none of it
    Map<String, Object> headers = new LinkedHashMap<>(message.headers());
    Failure.BROKER_DEATH_HEADERS.forEach(headers::remove);
    return delays.park(queue, message.withHeaders(headers), due(message), queueExpiry);
  }
}
