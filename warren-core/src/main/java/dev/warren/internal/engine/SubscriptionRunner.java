package dev.warren.internal.engine;

import dev.warren.Event;
import dev.warren.EventHandler;
import dev.warren.IdempotencyStore;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription in one instance: a lane per queue (one for competing and broadcast, one per
 * partition for ordered), each a consumer and a pool of worker threads that run the handler.
 *
 * <p>A delivery is acknowledged only after the handler returned. A failure is retried at once up to
 * {@link RetryPolicy#immediateRetries()} times, then moved to a wait queue whose TTL brings it back
 * later (acknowledged only once the wait queue confirmed it), then dead-lettered to {@code
 * <name>.dlq} with the error. Ordered lanes retry in place instead, holding their partition.
 */
final class SubscriptionRunner implements SubscriptionHandle {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionRunner.class);
  private static final int MAX_STACK_CHARS = 4000;

  private final WarrenEngine engine;
  private final Transport transport;
  private final Subscription subscription;
  private final EventHandler handler;
  private final RetryPolicy retry;
  private final IdempotencyStore dedupe;
  private final boolean ordered;
  private final EngineListener listener;
  private final List<Lane> lanes = new ArrayList<>();
  private final Set<String> declaredWaitQueues = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  SubscriptionRunner(
      WarrenEngine engine, Subscription subscription, List<String> queues, EventHandler handler) {
    this.engine = engine;
    this.transport = engine.transport();
    this.subscription = subscription;
    this.handler = handler;
    this.retry = subscription.retry();
    this.dedupe = subscription.deduplication();
    this.ordered = subscription.mode() == Subscription.Mode.ORDERED;
    this.listener = engine.listeners();
    for (String queue : queues) {
      lanes.add(new Lane(queue, ordered ? 1 : subscription.concurrency()));
    }
  }

  void start() {
    int base = subscription.prefetch() > 0 ? subscription.prefetch() : engine.options().prefetch();
    int prefetch = ordered ? Math.min(base, 10) : Math.max(subscription.concurrency(), base);
    for (Lane lane : lanes) {
      lane.consumer = transport.consume(lane.queue, prefetch, lane::onDelivery);
    }
  }

  /** One queue and the workers handling its deliveries. */
  private final class Lane {
    final String queue;
    final ThreadPoolExecutor workers;
    volatile ConsumerHandle consumer;

    Lane(String queue, int threads) {
      this.queue = queue;
      AtomicInteger count = new AtomicInteger();
      this.workers =
          new ThreadPoolExecutor(
              threads,
              threads,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "warren-" + queue + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }

    void onDelivery(Delivery delivery) {
      if (stopping) {
        if (!ordered) {
          delivery.reject(true);
        }
        // why: an ordered lane leaves it unsettled; abort() returns it in order
        return;
      }
      try {
        workers.execute(new Work(this, delivery));
      } catch (RejectedExecutionException e) {
        delivery.reject(true);
      }
    }
  }

  /** A delivery waiting for a worker; on shutdown, unstarted ones go back to the queue. */
  private final class Work implements Runnable {
    final Lane lane;
    final Delivery delivery;

    Work(Lane lane, Delivery delivery) {
      this.lane = lane;
      this.delivery = delivery;
    }

    @Override
    public void run() {
      if (stopping) {
        if (!ordered) {
          delivery.reject(true);
        }
        return;
      }
      handle(lane, delivery);
    }
  }

  private void handle(Lane lane, Delivery delivery) {
    Event event;
    try {
      event = AmqpBinding.toEvent(delivery.message(), delivery.routingKey(), engine.codec());
    } catch (RuntimeException e) {
      // why: a message that is not a valid event will never become one; retrying cannot help
      deadLetter(lane, delivery, null, e, attempts(delivery.message()) + 1);
      return;
    }
    if (dedupe != null && dedupe.contains(subscription.name(), event.id())) {
      log.debug("subscription {}: skipping duplicate event {}", subscription.name(), event.id());
      delivery.ack();
      return;
    }
    // why: a message that still carries its origin event was never failed (failing rewrites the
    // headers, which drops the origin), so it has no attempt or retry counts to look up
    boolean fresh = delivery.message().origin() != null;
    long attempts = fresh ? 0 : attempts(delivery.message());
    long retries = fresh ? 0 : count(delivery.message(), Headers.RETRIES);
    while (true) {
      Throwable failure = null;
      for (int i = 0; i <= retry.immediateRetries(); i++) {
        long start = System.nanoTime();
        failure = runHandler(event, delivery.message().headers());
        if (failure == null) {
          if (dedupe != null) {
            dedupe.add(subscription.name(), event.id());
          }
          delivery.ack();
          listener.handled(subscription.name(), event, attempts + 1, System.nanoTime() - start);
          return;
        }
        attempts++;
        if (i < retry.immediateRetries() && retry.isRetryable(failure) && !stopping) {
          listener.retried(subscription.name(), event, attempts, failure, 0);
        }
        if (stopping && failure instanceof InterruptedException) {
          delivery.reject(true);
          return;
        }
        if (!retry.isRetryable(failure)) {
          break;
        }
      }
      if (!retry.isRetryable(failure) || retries >= retry.delays().size()) {
        deadLetter(lane, delivery, event, failure, attempts);
        return;
      }
      Duration delay = jittered(retry.delays().get((int) retries));
      retries++;
      listener.retried(subscription.name(), event, attempts, failure, delay.toMillis());
      if (!ordered) {
        scheduleRetry(lane, delivery, failure, attempts, retries, delay);
        return;
      }
      // why: an ordered lane must not let later events of the key overtake this one, so it waits
      // in place (the message stays unacknowledged, well within RabbitMQ's consumer timeout)
      log.warn(
          "ordered subscription {}: event {} failed ({}); retrying in {} ms, holding its partition",
          subscription.name(),
          event.id(),
          failure.toString(),
          delay.toMillis());
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        delivery.reject(true);
        return;
      }
      if (stopping) {
        delivery.reject(true);
        return;
      }
    }
  }

  private Throwable runHandler(Event event, Map<String, Object> headers) {
    WarrenEngine.HANDLING.set(event);
    AutoCloseable scope = listener.beforeHandle(subscription.name(), event, headers);
    try {
      handler.handle(event);
      return null;
    } catch (Throwable t) {
      if (t instanceof InterruptedException && !stopping) {
        Thread.currentThread().interrupt();
      }
      return t;
    } finally {
      WarrenEngine.HANDLING.remove();
      if (scope != null) {
        try {
          scope.close();
        } catch (Exception e) {
          log.debug("closing a handling scope: {}", e.toString());
        }
      }
    }
  }

  private Duration jittered(Duration delay) {
    double j = retry.jitter();
    if (j == 0) {
      return delay;
    }
    double factor = 1 + ThreadLocalRandom.current().nextDouble(-j, j);
    return Duration.ofMillis(Math.max(1, Math.round(delay.toMillis() * factor)));
  }

  private void scheduleRetry(
      Lane lane,
      Delivery delivery,
      Throwable failure,
      long attempts,
      long retries,
      Duration delay) {
    Duration nominal = retry.delays().get((int) retries - 1);
    QueueSpec wait = Topology.waitQueueSpec(subscription, lane.queue, nominal);
    try {
      if (declaredWaitQueues.add(wait.name())) {
        transport.declareQueue(wait);
      }
    } catch (RuntimeException e) {
      declaredWaitQueues.remove(wait.name());
      log.error("cannot declare wait queue {}: {}", wait.name(), e.toString());
      deadLetter(lane, delivery, null, failure, attempts);
      return;
    }
    Map<String, Object> headers = failureHeaders(lane, delivery, failure, attempts);
    headers.put(Headers.RETRIES, retries);
    Message waiting = delivery.message().withHeaders(headers).withExpiration(delay.toMillis());
    log.info(
        "subscription {}: event {} failed ({}); retry {} of {} in {} ms",
        subscription.name(),
        delivery.message().messageId(),
        failure.toString(),
        retries,
        retry.delays().size(),
        delay.toMillis());
    transport
        .publish("", wait.name(), waiting)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                delivery.ack();
              } else {
                log.error(
                    "could not park event {} in {}: {}; rejecting it to the dead-letter queue",
                    delivery.message().messageId(),
                    wait.name(),
                    error.toString());
                delivery.reject(false);
              }
            });
  }

  private Map<String, Object> failureHeaders(
      Lane lane, Delivery delivery, Throwable failure, long attempts) {
    Message original = delivery.message();
    Map<String, Object> headers = new LinkedHashMap<>(original.headers());
    String now = Instant.now().toString();
    headers.put(Headers.ATTEMPTS, attempts);
    headers.put(Headers.ERROR_TYPE, failure.getClass().getName());
    headers.put(Headers.ERROR_MESSAGE, trim(String.valueOf(failure.getMessage()), 1000));
    headers.put(Headers.ERROR_STACK, stack(failure));
    headers.putIfAbsent(Headers.FIRST_FAILURE, now);
    headers.put(Headers.LAST_FAILURE, now);
    // why: a retry comes back through the default exchange with the queue name as routing key
    headers.putIfAbsent(Headers.ROUTING_KEY, delivery.routingKey());
    headers.put(Headers.SUBSCRIPTION, subscription.name());
    headers.put(Headers.QUEUE, lane.queue);
    headers.remove("x-death");
    headers.remove("x-first-death-queue");
    headers.remove("x-first-death-reason");
    headers.remove("x-first-death-exchange");
    headers.remove("x-last-death-queue");
    headers.remove("x-last-death-reason");
    headers.remove("x-last-death-exchange");
    return headers;
  }

  private void deadLetter(
      Lane lane, Delivery delivery, Event event, Throwable failure, long attempts) {
    Message dead =
        delivery
            .message()
            .withHeaders(failureHeaders(lane, delivery, failure, attempts))
            .withExpiration(null);
    log.warn(
        "event {} failed in subscription {} after {} attempt(s): {}; moving it to {}",
        delivery.message().messageId(),
        subscription.name(),
        attempts,
        failure.toString(),
        subscription.deadLetterQueue());
    transport
        .publish("", subscription.deadLetterQueue(), dead)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                delivery.ack();
                listener.deadLettered(
                    subscription.name(),
                    event,
                    event != null ? event.id() : delivery.message().messageId(),
                    attempts,
                    failure);
              } else {
                // why: the queue's own dead-letter exchange still moves it to the DLQ, without
                // the error details, rather than losing it
                log.error(
                    "could not publish event {} to {}: {}; rejecting it to the queue's"
                        + " dead-letter exchange",
                    delivery.message().messageId(),
                    subscription.deadLetterQueue(),
                    error.toString());
                delivery.reject(false);
              }
            });
  }

  static long attempts(Message message) {
    return count(message, Headers.ATTEMPTS);
  }

  static long count(Message message, String header) {
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

  private static String trim(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  static String stack(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return trim(w.toString(), MAX_STACK_CHARS);
  }

  @Override
  public Subscription subscription() {
    return subscription;
  }

  @Override
  public String queue() {
    return lanes.get(0).queue;
  }

  /**
   * @return every queue this instance consumes from
   */
  List<String> queues() {
    return lanes.stream().map(l -> l.queue).toList();
  }

  @Override
  public boolean isActive() {
    if (stopping) {
      return false;
    }
    for (Lane lane : lanes) {
      ConsumerHandle c = lane.consumer;
      if (c == null || !c.isActive()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    long deadline = System.nanoTime() + engine.options().shutdownTimeout().toNanos();
    for (Lane lane : lanes) {
      ConsumerHandle c = lane.consumer;
      List<Runnable> unstarted = new ArrayList<>();
      lane.workers.getQueue().drainTo(unstarted);
      if (ordered) {
        // why: the unstarted stay unsettled; abort() below returns them with the consumer's
        // removal in one step, so the partition's next consumer cannot overtake them
        lane.workers.shutdown();
        continue;
      }
      if (c != null) {
        // why: stop new deliveries first; those already handed over stay valid until settled
        c.cancel();
      }
      for (int i = unstarted.size() - 1; i >= 0; i--) {
        ((Work) unstarted.get(i)).delivery.reject(true);
      }
      lane.workers.shutdown();
    }
    for (Lane lane : lanes) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!lane.workers.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          log.warn(
              "subscription {}: handlers still running after {}; interrupting them",
              subscription.name(),
              engine.options().shutdownTimeout());
          lane.workers.shutdownNow();
          lane.workers.awaitTermination(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        lane.workers.shutdownNow();
      }
      if (ordered && lane.consumer != null) {
        lane.consumer.abort();
      }
    }
    if (subscription.mode() == Subscription.Mode.BROADCAST && transport.isConnected()) {
      try {
        // why: a broadcast queue serves only this instance; without it the copies are moot
        transport.deleteQueue(queue());
      } catch (RuntimeException e) {
        log.debug("could not delete broadcast queue {}: {}", queue(), e.toString());
      }
    }
    engine.forget(this);
  }
}
