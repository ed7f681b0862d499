package dev.warren.outbox;

import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.EventHandler;
import dev.warren.ReplyHandler;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.WarrenAdmin;
import dev.warren.lineage.Lineage;
import dev.warren.tasks.Tasks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A relay process for {@link OutboxFaultTest} that is killed between publishing and marking: its
 * Warren publishes for real, but the relay never hears of the confirm, so it never marks the rows
 * sent; the test kills it with SIGKILL once the broker confirmed some.
 */
public final class HangingRelayMain {
  private HangingRelayMain() {}

  /**
   * @param args JDBC URL, schema, AMQP URI
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .rabbitmqUri(args[2])
            .publishTimeout(Duration.ofSeconds(30))
            .build();
    try (var pool = Fixture.pool(args[0], 2);
        Warren warren = Warren.create(options);
        Outbox outbox = Outbox.create(pool, OutboxOptions.builder().schema(args[1]).build())) {
      outbox.startRelay(new ConfirmedThenSilent(warren));
      System.out.println("ready");
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }

  /** A Warren whose publishes reach the broker but whose futures never complete. */
  private record ConfirmedThenSilent(Warren delegate) implements Warren {
    @Override
    public CompletableFuture<Event> publish(Event event) {
      delegate
          .publish(event)
          .thenAccept(
              e -> {
                System.out.println("confirmed " + e.id());
                System.out.flush();
              });
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Event> publish(String type, Object data) {
      return delegate.publish(type, data);
    }

    @Override
    public CompletableFuture<Event> publish(Object data) {
      return delegate.publish(data);
    }

    @Override
    public SubscriptionHandle subscribe(Subscription subscription, EventHandler handler) {
      return delegate.subscribe(subscription, handler);
    }

    @Override
    public <R> CompletableFuture<R> request(
        String type, Object data, Class<R> replyType, Duration timeout) {
      return delegate.request(type, data, replyType, timeout);
    }

    @Override
    public <T> SubscriptionHandle respond(
        Subscription subscription, Class<T> type, ReplyHandler<? super T, ?> handler) {
      return delegate.respond(subscription, type, handler);
    }

    @Override
    public WarrenAdmin admin() {
      return delegate.admin();
    }

    @Override
    public WarrenOptions options() {
      return delegate.options();
    }

    @Override
    public List<SubscriptionHandle> subscriptions() {
      return delegate.subscriptions();
    }

    @Override
    public DeadLetters deadLetters(String subscription) {
      return delegate.deadLetters(subscription);
    }

    @Override
    public Tasks tasks() {
      return delegate.tasks();
    }

    @Override
    public dev.warren.schedules.Schedules schedules() {
      return delegate.schedules();
    }

    @Override
    public Lineage lineage() {
      return delegate.lineage();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public boolean isConnected() {
      return delegate.isConnected();
    }

    @Override
    public Optional<String> blocked() {
      return delegate.blocked();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
