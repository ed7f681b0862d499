package dev.warren.internal.engine;

import dev.warren.Event;
import dev.warren.EventHandler;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription in one instance: a consumer on its queue and a pool of {@code concurrency}
 * threads that run the handler. Deliveries are acknowledged only after the handler returned; a
 * failure is dead-lettered (published to {@code <name>.dlq} with its error, then acknowledged).
 */
final class SubscriptionRunner implements SubscriptionHandle {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionRunner.class);
  private static final int MAX_STACK_CHARS = 4000;

  private final WarrenEngine engine;
  private final Transport transport;
  private final Subscription subscription;
  private final String queue;
  private final EventHandler handler;
  private final ThreadPoolExecutor workers;
  private volatile ConsumerHandle consumer;
  private volatile boolean stopping;

  SubscriptionRunner(
      WarrenEngine engine, Subscription subscription, String queue, EventHandler handler) {
    this.engine = engine;
    this.transport = engine.transport();
    this.subscription = subscription;
    this.queue = queue;
    this.handler = handler;
    int n = subscription.concurrency();
    this.workers =
        new ThreadPoolExecutor(
            n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads(subscription));
  }

  private static ThreadFactory threads(Subscription subscription) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "warren-" + subscription.name() + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  void start() {
    int prefetch =
        Math.max(
            subscription.concurrency(),
            subscription.prefetch() > 0 ? subscription.prefetch() : engine.options().prefetch());
    consumer = transport.consume(queue, prefetch, this::onDelivery);
  }

  private void onDelivery(Delivery delivery) {
    if (stopping) {
      delivery.reject(true);
      return;
    }
    try {
      workers.execute(new Work(delivery));
    } catch (RejectedExecutionException e) {
      delivery.reject(true);
    }
  }

  /** A delivery waiting for a worker; on shutdown, unstarted ones go back to the queue. */
  private final class Work implements Runnable {
    final Delivery delivery;

    Work(Delivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public void run() {
      if (stopping) {
        delivery.reject(true);
        return;
      }
      handle(delivery);
    }
  }

  private void handle(Delivery delivery) {
    Event event;
    try {
      event = AmqpBinding.toEvent(delivery.message(), delivery.routingKey(), engine.codec());
    } catch (RuntimeException e) {
      // why: a message that is not a valid event will never become one; retrying cannot help
      deadLetter(delivery, e);
      return;
    }
    WarrenEngine.HANDLING.set(event);
    try {
      handler.handle(event);
      delivery.ack();
    } catch (Throwable t) {
      if (stopping && t instanceof InterruptedException) {
        delivery.reject(true);
      } else {
        if (t instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        deadLetter(delivery, t);
      }
    } finally {
      WarrenEngine.HANDLING.remove();
    }
  }

  private void deadLetter(Delivery delivery, Throwable failure) {
    Message original = delivery.message();
    Map<String, Object> headers = new LinkedHashMap<>(original.headers());
    String now = Instant.now().toString();
    headers.put(Headers.ATTEMPTS, attempts(original) + 1);
    headers.put(Headers.ERROR_TYPE, failure.getClass().getName());
    headers.put(Headers.ERROR_MESSAGE, trim(String.valueOf(failure.getMessage()), 1000));
    headers.put(Headers.ERROR_STACK, stack(failure));
    headers.putIfAbsent(Headers.FIRST_FAILURE, now);
    headers.put(Headers.LAST_FAILURE, now);
    headers.putIfAbsent(Headers.ROUTING_KEY, delivery.routingKey());
    headers.put(Headers.SUBSCRIPTION, subscription.name());
    headers.put(Headers.QUEUE, queue);
    headers.remove("x-death");
    Message dead = original.withHeaders(headers).withExpiration(null);
    log.warn(
        "event {} failed in subscription {}: {}; moving it to {}",
        original.messageId(),
        subscription.name(),
        failure.toString(),
        subscription.deadLetterQueue());
    transport
        .publish("", subscription.deadLetterQueue(), dead)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                delivery.ack();
              } else {
                // why: the queue's own dead-letter exchange still moves it to the DLQ, without
                // the error details, rather than losing it
                log.error(
                    "could not publish event {} to {}: {}; rejecting it to the queue's"
                        + " dead-letter exchange",
                    original.messageId(),
                    subscription.deadLetterQueue(),
                    error.toString());
                delivery.reject(false);
              }
            });
  }

  static long attempts(Message message) {
    Object v = message.headers().get(Headers.ATTEMPTS);
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
    return queue;
  }

  @Override
  public boolean isActive() {
    ConsumerHandle c = consumer;
    return !stopping && c != null && c.isActive();
  }

  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    Duration timeout = engine.options().shutdownTimeout();
    ConsumerHandle c = consumer;
    if (c != null) {
      // why: stop new deliveries first; those already handed over stay valid until settled
      c.cancel();
    }
    List<Runnable> unstarted = new ArrayList<>();
    workers.getQueue().drainTo(unstarted);
    for (Runnable r : unstarted) {
      ((Work) r).delivery.reject(true);
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "subscription {}: handlers still running after {}; interrupting them",
            subscription.name(),
            timeout);
        workers.shutdownNow();
        workers.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
    if (subscription.mode() == Subscription.Mode.BROADCAST && transport.isConnected()) {
      try {
        // why: a broadcast queue serves only this instance; without it the copies are moot
        transport.deleteQueue(queue);
      } catch (RuntimeException e) {
        log.debug("could not delete broadcast queue {}: {}", queue, e.toString());
      }
    }
    engine.forget(this);
  }
}
