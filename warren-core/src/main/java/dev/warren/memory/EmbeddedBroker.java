package dev.warren.memory;

import dev.warren.internal.memory.InMemoryBroker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A JVM-wide embedded broker, shared by the instances whose options name it ({@link
 * dev.warren.WarrenOptions.Builder#memoryBroker}), seen from a test: it tells when nothing moves
 * any more, so a test can check the outcome of what it started without sleeping or polling.
 *
 * <p>Idle means: no queue holds a message that one of its consumers could take, no message was
 * delivered and not yet acknowledged or rejected, and none is on its way to a dead-letter exchange.
 * Messages in queues nobody consumes (dead-letter queues) and messages waiting for their time to
 * live (Warren's wait queues of delayed retries and task countdowns) do not count: they move when a
 * timer of the broker's {@link dev.warren.WarrenClock} runs. With a virtual clock, idle and no
 * timer due means nothing moves until the clock does.
 *
 * <pre>{@code
 * Warren warren = Warren.create(WarrenOptions.builder()
 *     .transport(WarrenOptions.TransportKind.MEMORY).memoryBroker("orders-test").build());
 * warren.publish("order.placed", order).join();
 * EmbeddedBroker.named("orders-test").orElseThrow().awaitIdle(Duration.ofSeconds(5));
 * }</pre>
 */
public final class EmbeddedBroker {
  private final InMemoryBroker broker;

  private EmbeddedBroker(InMemoryBroker broker) {
    this.broker = broker;
  }

  /**
   * @param name the name given to {@link dev.warren.WarrenOptions.Builder#memoryBroker}
   * @return the broker of that name, if an instance created it and it is not closed
   */
  public static Optional<EmbeddedBroker> named(String name) {
    Objects.requireNonNull(name, "name");
    return InMemoryBroker.find(name).map(EmbeddedBroker::new);
  }

  /**
   * @return its name
   */
  public String name() {
    return broker.name();
  }

  /**
   * @return whether nothing moves now (see the class description); a snapshot of one still moment,
   *     so a message handed from one queue to another is never missed
   */
  public boolean isIdle() {
    return broker.isIdle();
  }

  /**
   * Waits until nothing moves, woken by the broker's changes rather than by polling.
   *
   * @param timeout how long to wait at most
   * @return whether it became idle in time; {@link #pending()} says what did not
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    return broker.awaitIdle(timeout);
  }

  /**
   * @return what keeps it from being idle, one line per queue, such as {@code queue 'billing': 2
   *     ready for 1 consumer(s), 1 delivered, not yet acknowledged}; empty when idle
   */
  public List<String> pending() {
    return broker.pending();
  }

  /**
   * Deletes every queue and exchange and forgets the name, which the instances sharing the broker
   * do not do when they close: a JVM-wide broker outlives them. Their consumers stop.
   */
  public void close() {
    broker.close();
  }

  @Override
  public String toString() {
    return "embedded broker '" + broker.name() + "'";
  }
}
