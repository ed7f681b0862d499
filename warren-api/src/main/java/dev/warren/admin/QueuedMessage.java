package dev.warren.admin;

import dev.warren.Event;
import java.util.Map;
import java.util.Optional;

/**
 * A message looked at in a queue by {@link WarrenAdmin#peek}.
 *
 * @param routingKey the key it was published with
 * @param redelivered whether it was delivered before
 * @param headers its AMQP headers
 * @param body its body as it is on the wire
 * @param event the CloudEvent it carries, or {@code null} when it is not one (queues may hold
 *     messages from other publishers)
 */
public record QueuedMessage(
    String routingKey, boolean redelivered, Map<String, Object> headers, byte[] body, Event event) {
  /** Canonical constructor: copies the headers. */
  public QueuedMessage {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /**
   * @return the CloudEvent it carries, if it is one
   */
  public Optional<Event> asEvent() {
    return Optional.ofNullable(event);
  }
}
