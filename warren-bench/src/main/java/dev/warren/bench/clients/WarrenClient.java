package dev.warren.bench.clients;

import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;

/**
 * Warren through its public API only: {@link Warren#create}, {@link Warren#publish(String, Object)}
 * and {@link Warren#subscribe}, with the run's confirm window and prefetch. The queue is the
 * subscription's own queue, declared by subscribing once.
 */
public final class WarrenClient implements MessagingClient {
  /** The contender name in the report. */
  public static final String NAME = "Warren";

  private final BenchBroker broker;
  private final int confirmWindow;
  private final int prefetch;
  private final String name;
  private final String id;
  private final Boolean lineage;
  private Warren warren;
  private SubscriptionHandle consumer;

  /**
   * @param broker the run's virtual host
   * @param confirmWindow unconfirmed publishes in flight at most
   * @param prefetch the default prefetch
   */
  public WarrenClient(BenchBroker broker, int confirmWindow, int prefetch) {
    this(broker, confirmWindow, prefetch, NAME, "warren", null);
  }

  /**
   * @param broker the run's virtual host
   * @param confirmWindow unconfirmed publishes in flight at most
   * @param prefetch the default prefetch
   * @param name the contender name in the report
   * @param id a short id for queue names
   * @param lineage whether to record lineage, or {@code null} for Warren's default
   */
  public WarrenClient(
      BenchBroker broker,
      int confirmWindow,
      int prefetch,
      String name,
      String id,
      Boolean lineage) {
    this.broker = broker;
    this.confirmWindow = confirmWindow;
    this.prefetch = prefetch;
    this.name = name;
    this.id = id;
    this.lineage = lineage;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public void open() {
    warren =
        WarrenInstances.create(
            WarrenOptions.builder()
                .transport(WarrenOptions.TransportKind.RABBITMQ)
                .rabbitmqUri(broker.uri())
                .confirmWindow(confirmWindow)
                .prefetch(prefetch)
                .source("/warren-bench")
                .build(),
            lineage);
  }

  private static Subscription subscription(BenchQueue queue) {
    return Subscription.named(queue.name())
        .pattern(queue.routingKey())
        .queueType(queue.quorum() ? Subscription.QueueType.QUORUM : Subscription.QueueType.CLASSIC);
  }

  @Override
  public void declare(BenchQueue queue) {
    // why: the public API declares a subscription's queue by subscribing; closing a competing
    // subscription keeps its queue and bindings, so publishes still land in it
    warren.subscribe(subscription(queue), event -> {}).close();
  }

  @Override
  public void publish(BenchQueue queue, byte[] body, Confirmation confirmation) {
    warren
        .publish(queue.routingKey(), body)
        .whenComplete(
            (event, error) -> {
              if (error == null) {
                confirmation.confirmed();
              } else {
                confirmation.failed(error);
              }
            });
  }

  @Override
  public void startConsumer(BenchQueue queue, int prefetch, BodyHandler handler) {
    consumer =
        warren.subscribe(subscription(queue).prefetch(prefetch), e -> handler.handle(e.data()));
  }

  @Override
  public void stopConsumer() {
    if (consumer != null) {
      consumer.close();
      consumer = null;
    }
  }

  @Override
  public void close() {
    if (warren != null) {
      try {
        warren.close();
      } catch (RuntimeException e) {
        System.err.println("warren-bench: closing Warren failed: " + e);
      }
    }
  }
}
