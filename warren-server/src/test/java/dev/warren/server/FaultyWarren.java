package dev.warren.server;

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

/**
 * A {@link Warren} over an in-memory one that can be told the broker is down, blocks the connection
 * (a resource alarm) or never confirms: the faults the server must report, without touching a real
 * broker. why: a double of the API the server takes, not of a transport; the server sees exactly
 * what a RabbitMQ instance shows it in those states ({@code isConnected()}, {@code blocked()}, a
 * publish future that does not complete).
 */
final class FaultyWarren implements Warren {
  private final Warren delegate;
  volatile boolean connected = true;
  volatile String blockedReason;
  volatile boolean confirms = true;

  FaultyWarren(Warren delegate) {
    this.delegate = delegate;
  }

  void healthy() {
    connected = true;
    blockedReason = null;
    confirms = true;
  }

  private CompletableFuture<Event> maybeHang(CompletableFuture<Event> published) {
    return confirms ? published : new CompletableFuture<>();
  }

  @Override
  public CompletableFuture<Event> publish(String type, Object data) {
    return maybeHang(delegate.publish(type, data));
  }

  @Override
  public CompletableFuture<Event> publish(Object data) {
    return maybeHang(delegate.publish(data));
  }

  @Override
  public CompletableFuture<Event> publish(Event event) {
    return maybeHang(delegate.publish(event));
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
    return connected;
  }

  @Override
  public Optional<String> blocked() {
    return Optional.ofNullable(blockedReason);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
