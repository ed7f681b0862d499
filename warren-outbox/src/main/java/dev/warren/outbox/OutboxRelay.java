package dev.warren.outbox;

/**
 * Publishes what an {@link Outbox} holds, after commit, with the broker's confirms, and marks it
 * sent. Started by {@link Outbox#startRelay}; runs on a thread of its own until {@link #close()}.
 *
 * <p>Per partition key in commit order: a key's events are published one after the other, each once
 * the previous one is confirmed, while events of different keys are in flight together. Several
 * relays (in one process or many) share an outbox: each of its lanes is worked by one relay at a
 * time, so in the normal case no event is published twice. An event is published at least once: a
 * relay that dies after the broker confirmed an event and before marking it sent leaves it to be
 * published again (an {@link Inbox} absorbs the duplicate).
 *
 * <p>Woken by {@code LISTEN/NOTIFY} at each commit, and polls as a fallback; while the broker is
 * away it backs off (up to {@link OutboxOptions#maxBackoff()}) and drains the backlog once it is
 * back. Metrics on Micrometer's global registry, tagged {@code table}: {@code warren.outbox.depth},
 * {@code warren.outbox.oldest.age} (seconds) and the counter {@code warren.outbox.published}.
 */
public interface OutboxRelay extends AutoCloseable {
  /**
   * Measures the backlog now.
   *
   * @return UP, or DEGRADED when the oldest unsent event is older than {@link
   *     OutboxOptions#degradedAfter()} or the outbox cannot be read
   */
  OutboxHealth health();

  /**
   * @return events this relay published (confirmed) since it started
   */
  long published();

  /**
   * Stops the relay: it finishes the publishes in flight (marking those confirmed) and releases its
   * lanes to the other relays. Idempotent.
   */
  @Override
  void close();
}
