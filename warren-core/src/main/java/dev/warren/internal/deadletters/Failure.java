package dev.warren.internal.deadletters;

import dev.warren.Event;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.WarrenHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A delivery whose handling failed, with what is known about the failure: the input of a delayed
 * retry and of dead-lettering.
 *
 * @param subscription the subscription it failed in
 * @param queue the queue it was delivered from (where a retry or a replay returns it)
 * @param delivery the delivery, not settled yet
 * @param event the event it carries, or {@code null} when it could not be read as one
 * @param error what the handler threw (or why the message is not an event)
 * @param attempts how many times it was handled and failed in this subscription, this time included
 */
public record Failure(
    String subscription,
    String queue,
    Delivery delivery,
    Event event,
    Throwable error,
    long attempts) {
  private static final int MAX_MESSAGE_CHARS = 1000;
  private static final int MAX_STACK_CHARS = 4000;

  /** The broker's own dead-lettering headers: a retry or a dead letter starts without them. */
  public static final List<String> BROKER_DEATH_HEADERS =
      List.of(
          "x-death",
          "x-first-death-queue",
          "x-first-death-reason",
          "x-first-death-exchange",
          "x-last-death-queue",
          "x-last-death-reason",
          "x-last-death-exchange");

  /**
   * @return the failed event's id: its CloudEvents id, else the message id, else the id derived
   *     from the message ({@link AmqpBinding#idOf})
   */
  public String eventId() {
    if (event != null) {
      return event.id();
    }
    return idOf(delivery.message());
  }

  /**
   * @return the delivery's headers with the failure recorded: attempts, the error's type, message
   *     and stack, first and last failure time, the subscription, the queue and the original
   *     routing key
   * @param now the failure time, on the instance's clock
   */
  public Map<String, Object> headers(Instant now) {
    Message original = delivery.message();
    Map<String, Object> headers = new LinkedHashMap<>(original.headers());
    String at = now.toString();
    headers.put(WarrenHeaders.ATTEMPTS, attempts);
    headers.put(WarrenHeaders.ERROR_TYPE, error.getClass().getName());
    headers.put(
        WarrenHeaders.ERROR_MESSAGE, trim(String.valueOf(error.getMessage()), MAX_MESSAGE_CHARS));
    headers.put(WarrenHeaders.ERROR_STACK, stack(error));
    headers.putIfAbsent(WarrenHeaders.FIRST_FAILURE, at);
    headers.put(WarrenHeaders.LAST_FAILURE, at);
    // why: a retry comes back through the default exchange with the queue name as routing key
    String first = AmqpBinding.firstRoutingKey(original);
    headers.put(WarrenHeaders.ROUTING_KEY, first != null ? first : delivery.routingKey());
    headers.put(WarrenHeaders.SUBSCRIPTION, subscription);
    headers.put(WarrenHeaders.QUEUE, queue);
    headers.remove(WarrenHeaders.RETRY_DUE);
    BROKER_DEATH_HEADERS.forEach(headers::remove);
    return headers;
  }

  /**
   * @param message a message
   * @param header the name of a header holding a count
   * @return its value, or 0 when it is missing or not a number
   */
  public static long count(Message message, String header) {
    Object v = message.headers().get(header);
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v != null) {
      try {
        return Long.parseLong(v.toString());
      } catch (NumberFormatException ignored) {
        return 0;
      }
    }
    return 0;
  }

  static String idOf(Message m) {
    return AmqpBinding.idOf(m);
  }

  private static String trim(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  private static String stack(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return trim(w.toString(), MAX_STACK_CHARS);
  }
}
