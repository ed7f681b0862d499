package dev.warren.cli;

import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code warren server --demo}: steady traffic in the server's own instance, so that its web
 * console has something to show on a fresh machine. An order is placed every second; shipping packs
 * it (an effect in its lineage), audit records everything, and billing fails some orders in two
 * ways (every 7th: a timeout, retried and then dead-lettered; every 11th: an unknown currency,
 * dead-lettered at once), so dead letters pile up in two groups until they are replayed, which
 * billing then handles. Every 20 orders a render task reports progress for 10 orders' time.
 *
 * <p>Only the public API; everything it creates is named {@code demo.*}.
 */
final class DemoTraffic implements AutoCloseable {
  static final String ORDER_PLACED = "demo.order.placed";
  static final String RENDER = "demo.render";

  private final Warren warren;
  private final List<SubscriptionHandle> handles = new ArrayList<>();
  private final ScheduledExecutorService clock =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("warren-demo-traffic").unstarted(r));
  private final AtomicLong orders = new AtomicLong();
  private final Duration every;

  /** Billing's attempts per event id, until it handles the event. */
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  /**
   * Billing's retries: two at once and one after a second, so the console shows retries waiting;
   * the unknown currency is not retried.
   */
  static final RetryPolicy BILLING_RETRY =
      RetryPolicy.builder()
          .immediateRetries(2)
          .delays(Duration.ofSeconds(1))
          .nonRetryable(IllegalArgumentException.class)
          .build();

  private DemoTraffic(Warren warren, Duration every) {
    this.warren = warren;
    this.every = every;
  }

  /**
   * Starts the traffic.
   *
   * @param warren the server's instance
   * @param every how often an order is placed
   * @return the running traffic; {@link #close()} stops it
   */
  static DemoTraffic start(Warren warren, Duration every) {
    DemoTraffic t = new DemoTraffic(warren, every);
    t.subscribe();
    t.clock.scheduleAtFixedRate(t::placeOrder, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    t.clock.scheduleAtFixedRate(t::submitRender, 0, 20 * every.toMillis(), TimeUnit.MILLISECONDS);
    return t;
  }

  private void subscribe() {
    handles.add(
        warren.subscribe(
            Subscription.named("demo.shipping").pattern(ORDER_PLACED),
            e -> warren.publish("demo.order.packed", Map.of("order", order(e))).join()));
    handles.add(warren.subscribe(Subscription.named("demo.audit").pattern("demo.#"), e -> {}));
    handles.add(
        warren.subscribe(
            Subscription.named("demo.billing").pattern(ORDER_PLACED).retry(BILLING_RETRY),
            e -> {
              long order = order(e);
              // why: billing fails every attempt until the event is dead-lettered; a replay is the
              // attempt after that, which it handles, as if the operator had fixed the cause
              int attempt = attempts.merge(e.id(), 1, Integer::sum);
              if (order % 11 == 0 && attempt <= 1) {
                throw new IllegalArgumentException(
                    "order " + order + ": unknown currency 'XBT', billing takes EUR and USD");
              }
              if (order % 7 == 0 && attempt <= BILLING_RETRY.maxAttempts()) {
                throw new IllegalStateException(
                    "order " + order + ": payment gateway timed out after 5000 ms");
              }
              attempts.remove(e.id());
            }));
    warren
        .tasks()
        .register(
            RENDER,
            ctx -> {
              for (int frame = 1; frame <= 10; frame++) {
                ctx.checkCancelled();
                // why: stands for work, one order's time a frame, so the progress bar visibly moves
                Thread.sleep(every.toMillis());
                ctx.progress(frame / 10.0, Map.of("frame", frame));
              }
              return Map.of("frames", 10);
            });
  }

  private static long order(Event e) {
    return ((Number) e.data(Map.class).get("order")).longValue();
  }

  private void placeOrder() {
    try {
      long n = orders.incrementAndGet();
      warren.publish(ORDER_PLACED, Map.of("order", n, "total", 10 + n % 90)).join();
    } catch (RuntimeException e) {
      // why: a broker outage must not end the schedule; the next order tries again
      System.err.println("warren: demo: could not place an order: " + e.getMessage());
    }
  }

  private void submitRender() {
    try {
      warren.tasks().submit(RENDER, Map.of("movie", "intro-" + orders.get()));
    } catch (RuntimeException e) {
      System.err.println("warren: demo: could not submit a render: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    clock.shutdownNow();
    handles.forEach(SubscriptionHandle::close);
  }
}
