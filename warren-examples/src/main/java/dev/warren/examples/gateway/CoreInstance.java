package dev.warren.examples.gateway;

import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.examples.gateway.GatewayEvents.ProviderDeleted;
import dev.warren.examples.gateway.GatewayEvents.ProviderUpdated;
import dev.warren.examples.gateway.GatewayEvents.SpendRequested;
import dev.warren.examples.gateway.GatewayEvents.VirtualKeyDeleted;
import dev.warren.examples.gateway.GatewayEvents.VirtualKeyUpdated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One instance of the gateway's core API. It serves requests from a local cache of virtual keys and
 * providers, so it must hear about every change (a broadcast subscription: a queue per instance);
 * it records spend in the shared ledger, one key at a time in publish order, for the partitions it
 * holds (an ordered subscription); and it runs image generation tasks and relays their updates to
 * its clients.
 */
final class CoreInstance implements AutoCloseable {
  /** Every instance gets every change: each has its own cache to keep fresh. */
  static final Subscription CACHE_INVALIDATION =
      Subscription.named("examples.gateway.cache-invalidation")
          .patterns("virtual-key.updated", "virtual-key.deleted", "provider.*")
          .broadcast();

  /** A failed ledger write is retried at once, then after 100 ms, holding its key meanwhile. */
  static final RetryPolicy LEDGER_RETRY =
      RetryPolicy.builder().immediateRetries(1).delays(Duration.ofMillis(100)).jitter(0).build();

  /** Spend of one key, one at a time and in order, by whichever instance holds its partition. */
  static final Subscription SPEND_LEDGER =
      Subscription.named("examples.gateway.spend-ledger")
          .pattern("virtual-key.spend-requested")
          .partitions(4)
          .retry(LEDGER_RETRY);

  /** Image updates for the clients: one instance relays each (competing). */
  static final Subscription IMAGE_UPDATES =
      Subscription.named("examples.gateway.image-updates")
          .patterns(
              "task.image.generate.progress",
              "task.image.generate.retrying",
              "image.completed",
              "image.failed");

  /** How long a ledger write takes, so a handover can happen while spend is flowing. */
  private static final long LEDGER_WRITE_MILLIS = 3;

  private final String name;
  private final Warren warren;
  private final Set<String> cache = new TreeSet<>();
  private final List<String> evicted = new ArrayList<>();
  private SubscriptionHandle ledger;

  /**
   * @param name the instance's name in the narration, {@code core-1}
   * @param warren its own Warren instance
   * @param cached what its cache holds at start, as {@code virtual-key vk-alpha}, {@code provider
   *     openai}
   */
  CoreInstance(String name, Warren warren, Collection<String> cached) {
    this.name = name;
    this.warren = warren;
    this.cache.addAll(cached);
  }

  /** Subscribes and becomes an image worker. */
  void start(SpendLedger spendLedger, ImageTasks images) {
    warren.subscribe(CACHE_INVALIDATION, this::invalidate);
    ledger =
        warren.subscribe(
            SPEND_LEDGER,
            event -> {
              Thread.sleep(LEDGER_WRITE_MILLIS);
              spendLedger.apply(name, event.data(SpendRequested.class));
            });
    warren.subscribe(IMAGE_UPDATES, event -> images.received(name, event));
    images.registerWorker(name, warren);
  }

  private void invalidate(Event event) {
    String entry =
        switch (event.type()) {
          case "virtual-key.updated" ->
              "virtual-key " + event.data(VirtualKeyUpdated.class).keyId();
          case "virtual-key.deleted" ->
              "virtual-key " + event.data(VirtualKeyDeleted.class).keyId();
          case "provider.updated" -> "provider " + event.data(ProviderUpdated.class).provider();
          case "provider.deleted" -> "provider " + event.data(ProviderDeleted.class).provider();
          default -> null;
        };
    if (entry != null) {
      synchronized (this) {
        cache.remove(entry);
        evicted.add(entry);
      }
    }
  }

  /**
   * Stops this instance's ledger consumer, as when it is drained for a deploy: the partitions it
   * held move to the other instance, and events not yet acknowledged go back in order.
   */
  void stopLedger() {
    ledger.close();
  }

  String name() {
    return name;
  }

  Warren warren() {
    return warren;
  }

  /** What this instance evicted from its cache, in the order it did. */
  synchronized List<String> evicted() {
    return List.copyOf(evicted);
  }

  /** What its cache still holds. */
  synchronized Set<String> cache() {
    return new TreeSet<>(cache);
  }

  @Override
  public void close() {
    warren.close();
  }
}
