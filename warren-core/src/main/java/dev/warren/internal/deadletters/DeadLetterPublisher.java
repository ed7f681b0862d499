package dev.warren.internal.deadletters;

import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;

/**
 * Moves failed deliveries to their subscription's dead-letter queue {@code <name>.dlq}, with the
 * failure recorded in their headers ({@link Failure#headers}), so that {@link DeadLettersImpl} can
 * show why and replay them where they came from.
 */
public final class DeadLetterPublisher {
  private final Transport transport;
  private final String deadLetterQueue;
  private final InstantSource clock;

  /**
   * @param transport where the dead-letter queue is
   * @param deadLetterQueue the subscription's dead-letter queue, declared already
   * @param clock the instance's clock, for the failure time
   */
  public DeadLetterPublisher(Transport transport, String deadLetterQueue, InstantSource clock) {
    this.transport = transport;
    this.deadLetterQueue = deadLetterQueue;
    this.clock = clock;
  }

  /**
   * @return the dead-letter queue's name
   */
  public String queue() {
    return deadLetterQueue;
  }

  /**
   * Publishes a copy of the failed message to the dead-letter queue. The caller settles the
   * delivery: acknowledges it once this completed, or rejects it without requeueing when this
   * failed, so that the queue's own dead-letter exchange still moves it there, without the details,
   * rather than losing it.
   *
   * @param failure the failure
   * @return completes when the broker confirmed the dead letter
   */
  public CompletableFuture<Void> publish(Failure failure) {
    Message dead =
        failure
            .delivery()
            .message()
            .withHeaders(failure.headers(clock.instant()))
            .withExpiration(null);
    return transport.publish("", deadLetterQueue, dead);
  }
}
