package dev.warren.examples.eventhub;

import dev.warren.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened on the hub, as the script saw it: every event published (by whom) and every
 * delivery (to which subscription), to narrate and check. Thread-safe.
 */
final class HubLog {
  /** An event a process published, once the broker confirmed it. */
  record Published(String process, Event event) {}

  /** An event a subscription received. */
  record Received(String subscription, Event event, String note) {}

  private final List<Published> published = new ArrayList<>();
  private final List<Received> received = new ArrayList<>();

  synchronized Event published(String process, Event event) {
    published.add(new Published(process, event));
    return event;
  }

  synchronized void received(String subscription, Event event, String note) {
    received.add(new Received(subscription, event, note));
  }

  synchronized List<Published> published() {
    return List.copyOf(published);
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** What one subscription received, in the order it did. */
  List<Received> received(String subscription) {
    return received().stream().filter(r -> r.subscription().equals(subscription)).toList();
  }
}
