package dev.warren;

/**
 * Handles events whose data is decoded as {@code T}: registered with {@link
 * Warren#subscribe(Subscription, Class, DataHandler)}.
 *
 * <pre>{@code
 * warren.subscribe(Subscription.named("cache").pattern("virtual-key.*"), KeyChanged.class,
 *     (key, event) -> cache.evict(key.id()));
 * }</pre>
 *
 * @param <T> the data's type
 */
@FunctionalInterface
public interface DataHandler<T> {
  /**
   * @param data the event's data, decoded
   * @param event the event, for its id, type, time and extensions
   * @throws Exception to fail the delivery: it is retried by the subscription's {@link
   *     RetryPolicy}, then dead-lettered
   */
  void handle(T data, Event event) throws Exception;
}
