package dev.warren.outbox;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscription that handles {@code outbox.step} events through the inbox: each event's side
 * effect (a {@code side_effect} row) commits with its inbox record. It counts deliveries, handled
 * events and duplicates, and checks the order per key of the events it handled: one consumer
 * thread, so it handles in queue order.
 */
final class InboxConsumer implements AutoCloseable {
  final AtomicLong deliveries = new AtomicLong();
  final AtomicLong handled = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final Set<String> ids = ConcurrentHashMap.newKeySet();
  final List<String> outOfOrder = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Integer> lastPerKey = new ConcurrentHashMap<>();
  private final SubscriptionHandle handle;

  InboxConsumer(Warren warren, Inbox inbox, String schema, String name) {
    String insert = "INSERT INTO " + schema + ".side_effect (event_id, key, n) VALUES (?, ?, ?)";
    this.handle =
        warren.subscribe(
            Subscription.named(name).pattern(Fixture.TYPE).concurrency(1).prefetch(100),
            (Event event) -> {
              deliveries.incrementAndGet();
              ids.add(event.id());
              Fixture.Step step = event.data(Fixture.Step.class);
              boolean ran =
                  inbox.handleOnce(
                      name,
                      event,
                      c -> {
                        try (PreparedStatement s = c.prepareStatement(insert)) {
                          s.setString(1, event.id());
                          s.setString(2, step.key());
                          s.setInt(3, step.n());
                          s.executeUpdate();
                        }
                      });
              if (!ran) {
                duplicates.incrementAndGet();
                return;
              }
              handled.incrementAndGet();
              Integer last = lastPerKey.put(step.key(), step.n());
              if (last != null && last >= step.n()) {
                outOfOrder.add(step.key() + ": " + step.n() + " after " + last);
              }
            });
  }

  String counts(long committed) {
    return "committed="
        + committed
        + " published(distinct ids received)="
        + ids.size()
        + " deliveries="
        + deliveries.get()
        + " handled="
        + handled.get()
        + " duplicates="
        + duplicates.get()
        + " outOfOrder="
        + outOfOrder.size();
  }

  @Override
  public void close() {
    handle.close();
  }
}
