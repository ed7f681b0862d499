package dev.warren;

import dev.warren.lineage.Lineage;
import dev.warren.spi.WarrenFactory;
import dev.warren.tasks.Tasks;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;

/**
 * An event bus: publish CloudEvents to a durable topic exchange, subscribe with topic patterns.
 *
 * <pre>{@code
 * try (Warren warren = Warren.fromEnvironment()) {   // in-memory, or RabbitMQ when configured
 *   warren.subscribe(
 *       Subscription.named("cache-invalidation").pattern("virtual-key.*").broadcast(),
 *       event -> cache.evict(event.data(KeyChanged.class).id()));
 *   warren.publish("virtual-key.updated", new KeyChanged(42)).join(); // after the broker confirmed
 * }
 * }</pre>
 *
 * <p>Thread-safe. Publishing returns a future that completes only after the broker confirmed the
 * message; a subscriber's message is acknowledged only after its handler returned.
 */
public interface Warren extends AutoCloseable {

  /**
   * Creates an instance from the {@code WARREN_*} environment variables: the embedded in-memory
   * transport when no broker is configured, RabbitMQ when one is.
   *
   * @return a started instance
   * @throws BrokerUnavailableException when a configured broker cannot be reached in time; Warren
   *     never falls back to memory in that case
   */
  static Warren fromEnvironment() {
    return create(WarrenOptions.fromEnvironment());
  }

  /**
   * @param options the options
   * @return a started instance
   * @throws BrokerUnavailableException when a configured broker cannot be reached in time
   */
  static Warren create(WarrenOptions options) {
    WarrenFactory factory =
        ServiceLoader.load(WarrenFactory.class, Warren.class.getClassLoader())
            .findFirst()
            .orElseThrow(
                () ->
                    new WarrenException(
                        "no Warren implementation: add warren-core as a dependency"));
    return factory.create(options);
  }

  /**
   * Publishes data as an event of the given type.
   *
   * @param type the event type (routing key), for example {@code virtual-key.updated}
   * @param data the data, encoded as JSON; {@code null} for none
   * @return the published event, once the broker confirmed it
   * @throws InvalidInputException when the type is invalid or the data cannot be encoded
   */
  CompletableFuture<Event> publish(String type, Object data);

  /**
   * Publishes a typed event whose class is annotated with {@link EventType}.
   *
   * @param data the event data, usually a record
   * @return the published event, once the broker confirmed it
   * @throws InvalidInputException when the class carries no {@link EventType}
   */
  CompletableFuture<Event> publish(Object data);

  /**
   * Publishes an event. Its source defaults to this instance's source. Inside a handler, the
   * event's correlation and causation are filled in from the event being handled.
   *
   * @param event the event
   * @return the published event, once the broker confirmed it; failed with {@link
   *     BrokerUnavailableException} when the broker stayed away longer than the publish timeout, or
   *     {@link PublishRejectedException} when it refused the message
   */
  CompletableFuture<Event> publish(Event event);

  /**
   * Starts receiving events. Declares the subscription's queue, bindings and dead-letter queue if
   * they do not exist.
   *
   * @param subscription what to receive and how
   * @param handler called for each event; its message is acknowledged when it returns normally
   * @return a handle to stop the subscription
   * @throws InvalidInputException when the subscription has no pattern
   * @throws TopologyMismatchException when its queue exists with other settings
   */
  SubscriptionHandle subscribe(Subscription subscription, EventHandler handler);

  /**
   * Starts receiving events with their data decoded as {@code type}. Data that cannot be decoded as
   * {@code type} is dead-lettered at once, with the reason, never retried.
   *
   * <pre>{@code
   * warren.subscribe(Subscription.named("cache").pattern("virtual-key.*"), KeyChanged.class,
   *     (key, event) -> cache.evict(key.id()));
   * }</pre>
   *
   * @param subscription what to receive and how
   * @param type the data's type: a record, {@code String}, {@code Map}, {@code byte[]}…
   * @param handler called for each event; its message is acknowledged when it returns normally
   * @param <T> the data's type
   * @return a handle to stop the subscription
   * @throws InvalidInputException when the subscription has no pattern
   * @throws TopologyMismatchException when its queue exists with other settings
   */
  default <T> SubscriptionHandle subscribe(
      Subscription subscription, Class<T> type, DataHandler<? super T> handler) {
    java.util.Objects.requireNonNull(type, "type");
    java.util.Objects.requireNonNull(handler, "handler");
    return subscribe(subscription, event -> handler.handle(event.data(type), event));
  }

  /**
   * Sends a request and waits, without blocking a thread, for its reply: the request is published
   * as an event of {@code type} (routed like any event, so the responder subscribes to it with a
   * pattern) carrying a reply address; the reply comes back over RabbitMQ's direct reply-to (no
   * queue is declared for it), or its in-memory equivalent.
   *
   * <pre>{@code
   * Quote q = warren.request("quote.requested", new QuoteRequest("sku-1"), Quote.class,
   *     Duration.ofSeconds(5)).join();
   * }</pre>
   *
   * @param type the request's event type
   * @param data the request's data
   * @param replyType the reply's type
   * @param timeout how long to wait for the reply, counted from the call
   * @param <R> the reply's type
   * @return completes with the reply (decoded as {@code replyType}); fails with {@link
   *     RequestTimeoutException} when none came in time, {@link RequestFailedException} when the
   *     responder failed, {@link InvalidInputException} when the reply cannot be decoded, or as
   *     {@link #publish(Event)} fails
   * @throws InvalidInputException when the type is invalid or the timeout is not positive
   */
  <R> CompletableFuture<R> request(
      String type, Object data, Class<R> replyType, java.time.Duration timeout);

  /**
   * Answers requests made with {@link #request}: the handler's return value is sent back to the
   * requester, and the request is acknowledged once the reply was handed to the broker. A request
   * whose requester is gone (it timed out or disconnected) is still handled; its reply is dropped
   * by the broker. An event of a matching type published without a reply address is handled and its
   * return value discarded.
   *
   * @param subscription which requests to answer and how (competing by default: responders share
   *     the work)
   * @param type the request data's type
   * @param handler computes the reply
   * @param <T> the request data's type
   * @return a handle to stop answering
   * @throws InvalidInputException when the subscription has no pattern
   */
  <T> SubscriptionHandle respond(
      Subscription subscription, Class<T> type, ReplyHandler<? super T, ?> handler);

  /**
   * The operator surface of this instance: queues, subscriptions, dead letters and tasks, as
   * Warren's server, CLI and console use them.
   *
   * <pre>{@code
   * warren.admin().subscriptions().forEach(s -> System.out.println(s.name() + " " + s.ready()));
   * }</pre>
   *
   * @return the admin operations, the same instance on every call
   */
  dev.warren.admin.WarrenAdmin admin();

  /**
   * @return the options this instance runs with
   */
  WarrenOptions options();

  /**
   * @return the subscriptions running in this instance
   */
  java.util.List<SubscriptionHandle> subscriptions();

  /**
   * The dead-letter queue of a subscription, to inspect, replay or purge.
   *
   * @param subscription the subscription name
   * @return its dead letters
   * @throws InvalidInputException when no such subscription's dead-letter queue exists
   */
  DeadLetters deadLetters(String subscription);

  /**
   * The Celery-style task queue of this instance: register handlers, submit tasks, follow their
   * state. Created on first use; its state store is {@link WarrenOptions#storeUrl()} ({@code
   * memory:} by default, {@code jdbc:postgresql://…} or {@code redis://…}).
   *
   * <pre>{@code
   * warren.tasks().register("thumbnail", ctx -> render(ctx.args(Thumb.class), ctx));
   * TaskHandle<?> task = warren.tasks().submit("thumbnail", new Thumb("a.png"), TaskOptions.defaults());
   * TaskStatus done = task.await(Duration.ofMinutes(1));
   * }</pre>
   *
   * @return the task queue, the same instance on every call
   * @throws WarrenException when the configured task store cannot be reached
   */
  Tasks tasks();

  /**
   * Recurring schedules: cron (with seconds and time zones) or fixed intervals, each slot firing
   * one task exactly once across every instance sharing {@link WarrenOptions#storeUrl()}. Created
   * on first use; this instance fires slots once it defines a schedule.
   *
   * <pre>{@code
   * warren.schedules().define(Schedule.cron("nightly-report", "0 30 2 * * *")
   *     .zone("Europe/Paris").task("report.build").build());
   * }</pre>
   *
   * @return the schedules, the same instance on every call
   * @throws WarrenException when the configured store cannot be reached
   */
  dev.warren.schedules.Schedules schedules();

  /**
   * What happened to events and how they caused one another, recorded in the background by every
   * instance into the store of {@link WarrenOptions#storeUrl()} (bounded memory by default).
   *
   * <pre>{@code
   * warren.lineage().tree(eventId).ifPresent(tree -> show(tree.roots()));
   * }</pre>
   *
   * @return the lineage queries
   * @throws WarrenException when lineage recording is switched off ({@link
   *     WarrenOptions#lineage()})
   */
  Lineage lineage();

  /**
   * @return which transport this instance uses and where it is connected, for example {@code
   *     rabbitmq amqp://guest:***@127.0.0.1:5672/}
   */
  String describe();

  /**
   * @return whether the transport is connected (always true for the in-memory transport)
   */
  boolean isConnected();

  /**
   * Whether the broker has blocked this instance's connection because one of its resource alarms
   * (memory or disk) is raised: publishes then wait and fail with {@link
   * BrokerUnavailableException} at their timeout, while consuming goes on.
   *
   * @return the broker's reason (for example {@code low on disk}) while blocked, empty otherwise
   *     (always empty for the in-memory transport)
   */
  java.util.Optional<String> blocked();

  /**
   * Stops consuming, lets in-flight handlers finish (up to the shutdown timeout), waits for
   * outstanding confirms, then disconnects. Unfinished events are returned to their queues.
   */
  @Override
  void close();
}
