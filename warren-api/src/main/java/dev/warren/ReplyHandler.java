package dev.warren;

/**
 * Answers requests: registered with {@link Warren#respond(Subscription, Class, ReplyHandler)}; what
 * it returns is sent back to the requester.
 *
 * <pre>{@code
 * warren.respond(Subscription.named("quotes").pattern("quote.requested"), QuoteRequest.class,
 *     (request, event) -> new Quote(request.sku(), prices.of(request.sku())));
 * }</pre>
 *
 * @param <T> the request data's type
 * @param <R> the reply's type
 */
@FunctionalInterface
public interface ReplyHandler<T, R> {
  /**
   * @param request the request's data, decoded
   * @param event the request event
   * @return the reply, encoded with the instance's codec; {@code null} for an empty reply
   * @throws Exception to fail the delivery: it is retried by the subscription's {@link
   *     RetryPolicy}, then dead-lettered, and the requester gets a {@link RequestFailedException}
   *     once it was dead-lettered
   */
  R handle(T request, Event event) throws Exception;
}
