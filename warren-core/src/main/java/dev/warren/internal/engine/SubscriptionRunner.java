package dev.warren.internal.engine;

import dev.warren.Event;
import dev.warren.IdempotencyStore;
import dev.warren.MessageObserver;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.internal.deadletters.DeadLetterPublisher;
import dev.warren.internal.deadletters.Failure;
import dev.warren.internal.delay.DelayQueues;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.internal.retry.DelayedRetries;
import dev.warren.internal.retry.Retries;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription in one instance: a lane per queue (one for competing and broadcast, one per
 * partition for ordered), each a consumer and a pool of worker threads that run the handler.
 *
 * <p>A delivery is acknowledged only after the handler returned (for a responder: after its reply
 * was handed to the broker). A failure is retried at once up to {@link
 * RetryPolicy#immediateRetries()} times, then parked for a delayed retry ({@link DelayedRetries},
 * acknowledged only once the park is confirmed), then dead-lettered to {@code <name>.dlq} with the
 * error ({@link DeadLetterPublisher}); {@link Retries} decides which. Ordered lanes retry in place
 * instead, holding their partition.
 */
final class SubscriptionRunner implements SubscriptionHandle {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionRunner.class);

  private final WarrenEngine engine;
  private final Transport transport;
  private final Subscription subscription;
  private final EventFunction handler;
  private final Responder responder;
  private final Retries retries;
  private final DelayedRetries delayedRetries;
  private final DeadLetterPublisher deadLetters;
  private final IdempotencyStore dedupe;
  private final boolean ordered;
  private final EngineListener listener;
  private final List<Lane> lanes = new ArrayList<>();
  private volatile boolean stopping;

  /**
   * @param engine the instance
   * @param subscription the subscription, its queues declared
   * @param queues the queues this instance consumes from
   * @param handler what runs for each event
   * @param responder sends the handler's return value to the requester, or {@code null} for a plain
   *     subscription
   */
  SubscriptionRunner(
      WarrenEngine engine,
      Subscription subscription,
      List<String> queues,
      EventFunction handler,
      Responder responder) {
    this.engine = engine;
    this.transport = engine.transport();
    this.subscription = subscription;
    this.handler = handler;
    this.responder = responder;
    this.retries = new Retries(subscription.retry());
    this.delayedRetries =
        new DelayedRetries(
            engine.delays(),
            subscription.mode() == Subscription.Mode.BROADCAST
                ? Topology.BROADCAST_QUEUE_EXPIRY
                : null);
    this.deadLetters =
        new DeadLetterPublisher(
            transport, subscription.deadLetterQueue(), engine.options().clock());
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
    Message message = delivery.message();
    // why: a delayed retry comes back through tiered wait queues, often before it is due; an
    // ordered lane never parks (it retries in place), and a message that still carries its origin
    // event was never parked
    if (!ordered && message.origin() == null) {
      // why: most deliveries are no retry; read the clock only for those that are
      Instant due = DelayedRetries.due(message);
      if (due != null && DelayQueues.early(due, engine.delays().now())) {
        parkAgain(lane, delivery);
        return;
      }
    }
    handleDue(lane, delivery);
  }

  private void handleDue(Lane lane, Delivery delivery) {
    Message message = delivery.message();
    Event event;
    try {
      event = AmqpBinding.toEvent(message, delivery.routingKey(), engine.codec());
    } catch (RuntimeException e) {
      // why: a message that is not a valid event will never become one; retrying cannot help
      giveUp(
          new Failure(subscription.name(), lane.queue, delivery, null, e, attempts(message) + 1));
      return;
    }
    if (dedupe != null && dedupe.contains(subscription.name(), event.id())) {
      log.debug("subscription {}: skipping duplicate event {}", subscription.name(), event.id());
      delivery.ack();
      return;
    }
    // why: a message that still carries its origin event was never failed (failing rewrites the
    // headers, which drops the origin), so it has no attempt or retry counts to look up
    boolean fresh = message.origin() != null;
    long attempts = fresh ? 0 : attempts(message);
    long delayed = fresh ? 0 : Failure.count(message, WarrenHeaders.RETRIES);
    while (true) {
      Throwable failure = null;
      for (int i = 0; i <= retries.immediateRetries(); i++) {
        long start = System.nanoTime();
        Result result = runHandler(event, message.headers());
        if (result.failure() == null) {
          succeeded(lane, delivery, event, result.value(), attempts + 1, System.nanoTime() - start);
          return;
        }
        failure = result.failure();
        attempts++;
        if (retries.retryAtOnce(failure, i) && !stopping) {
          listener.retried(subscription.name(), event, attempts, failure, 0);
        }
        if (stopping && failure instanceof InterruptedException) {
          delivery.reject(true);
          return;
        }
        if (!retries.retryable(failure)) {
          break;
        }
      }
      Optional<Duration> delay = retries.delayAfter(failure, delayed);
      Failure failed =
          new Failure(subscription.name(), lane.queue, delivery, event, failure, attempts);
      if (delay.isEmpty()) {
        giveUp(failed);
        return;
      }
      delayed++;
      listener.retried(subscription.name(), event, attempts, failure, delay.get().toMillis());
      if (!ordered) {
        retryLater(failed, delayed, delay.get());
        return;
      }
      // why: an ordered lane must not let later events of the key overtake this one, so it waits
      // in place (the message stays unacknowledged, well within RabbitMQ's consumer timeout)
      log.warn(
          "ordered subscription {}: event {} failed ({}); retrying in {} ms, holding its partition",
          subscription.name(),
          event.id(),
          failure.toString(),
          delay.get().toMillis());
      if (!awaitRetry(delivery, delay.get())) {
        delivery.reject(true);
        return;
      }
      if (stopping) {
        delivery.reject(true);
        return;
      }
    }
  }

  /**
   * Waits, holding the delivery, until an ordered lane's retry is due on the instance's clock. why:
   * the clock's timer, not a sleep, so that under a test harness's virtual clock the retry waits
   * for the clock to be moved on, and the broker counts the delivery as waiting for it
   *
   * @return whether the wait ended because the retry is due, not because the lane is stopping
   */
  private boolean awaitRetry(Delivery delivery, Duration delay) {
    CompletableFuture<Void> due = new CompletableFuture<>();
    Future<?> timer =
        engine
            .options()
            .clock()
            .schedule(
                delay,
                () -> {
                  // why: on the timer's thread, before the lane wakes, so that an idle check
                  // right after the timer ran sees the delivery moving again
                  synchronized (due) {
                    delivery.waitingForClock(false);
                    due.complete(null);
                  }
                });
    // why: only once the timer is set, so an idle check never sees the delivery waiting for a
    // timer that is not there yet; and only if it has not fired already
    synchronized (due) {
      if (!due.isDone()) {
        delivery.waitingForClock(true);
      }
    }
    try {
      due.get();
      return true;
    } catch (InterruptedException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the retry timer failed", e.getCause());
    } finally {
      timer.cancel(false);
      delivery.waitingForClock(false);
    }
  }

  /** What one run of the handler gave: its return value, or what it threw. */
  private record Result(Object value, Throwable failure) {}

  private Result runHandler(Event event, Map<String, Object> headers) {
    WarrenEngine.HANDLING.set(event);
    AutoCloseable scope = listener.beforeHandle(subscription.name(), event, headers);
    MessageObserver.Completion observed =
        engine.observing().handling(subscription.name(), event, headers);
    Throwable failure = null;
    try {
      return new Result(handler.apply(event), null);
    } catch (Throwable t) {
      failure = t;
      if (t instanceof InterruptedException && !stopping) {
        Thread.currentThread().interrupt();
      }
      return new Result(null, t);
    } finally {
      observed.complete(failure);
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

  private void succeeded(
      Lane lane, Delivery delivery, Event event, Object value, long attempts, long nanos) {
    if (responder == null) {
      done(delivery, event, attempts, nanos);
      return;
    }
    CompletableFuture<Void> replied;
    try {
      replied = responder.reply(delivery.message(), event.id(), value);
    } catch (RuntimeException e) {
      // why: a reply that cannot be encoded will not encode next time either
      giveUp(new Failure(subscription.name(), lane.queue, delivery, event, e, attempts));
      return;
    }
    // why: the request is acknowledged only once its reply is with the broker; if the reply
    // cannot be sent the request goes back to its queue and is answered again
    replied.whenComplete(
        (ok, error) -> {
          if (error == null) {
            done(delivery, event, attempts, nanos);
          } else {
            log.warn(
                "subscription {}: could not send the reply to request {} ({}); requeueing it",
                subscription.name(),
                event.id(),
                error.toString());
            delivery.reject(true);
          }
        });
  }

  private void done(Delivery delivery, Event event, long attempts, long nanos) {
    if (dedupe != null) {
      dedupe.add(subscription.name(), event.id());
    }
    delivery.ack();
    listener.handled(subscription.name(), event, attempts, nanos);
  }

  /** Parks a failed event for a delayed retry; acknowledged only once the park is confirmed. */
  private void retryLater(Failure failed, long delayed, Duration delay) {
    Delivery delivery = failed.delivery();
    CompletableFuture<Void> parked;
    try {
      parked = delayedRetries.park(failed, delayed, delay);
    } catch (RuntimeException e) {
      log.error(
          "subscription {}: cannot park event {} for a retry: {}",
          subscription.name(),
          failed.eventId(),
          e.toString());
      giveUp(failed);
      return;
    }
    log.info(
        "subscription {}: event {} failed ({}); retry {} of {} in {} ms",
        subscription.name(),
        failed.eventId(),
        failed.error().toString(),
        delayed,
        retries.delayedRetries(),
        delay.toMillis());
    parked.whenComplete(
        (ok, error) -> {
          if (error == null) {
            delivery.ack();
          } else {
            log.error(
                "could not park event {} for a retry: {}; rejecting it to the dead-letter queue",
                failed.eventId(),
                error.toString());
            delivery.reject(false);
          }
        });
  }

  /**
   * Parks a delayed retry that came back before it is due again, for the rest of its wait. If that
   * fails it runs now: early rather than never.
   */
  private void parkAgain(Lane lane, Delivery delivery) {
    CompletableFuture<Void> parked;
    try {
      parked = delayedRetries.parkAgain(lane.queue, delivery.message());
    } catch (RuntimeException e) {
      log.warn(
          "subscription {}: cannot park a retry again ({}); running it early",
          subscription.name(),
          e.toString());
      handleDue(lane, delivery);
      return;
    }
    parked.whenComplete(
        (ok, error) -> {
          if (error == null) {
            delivery.ack();
            return;
          }
          log.warn(
              "subscription {}: cannot park a retry again ({}); running it early",
              subscription.name(),
              error.toString());
          try {
            lane.workers.execute(() -> handleDue(lane, delivery));
          } catch (RejectedExecutionException e) {
            delivery.reject(true);
          }
        });
  }

  /** Dead-letters a failed event, and tells its requester when it was a request. */
  private void giveUp(Failure failed) {
    Delivery delivery = failed.delivery();
    log.warn(
        "event {} failed in subscription {} after {} attempt(s): {}; moving it to {}",
        failed.eventId(),
        subscription.name(),
        failed.attempts(),
        failed.error().toString(),
        deadLetters.queue());
    if (responder != null) {
      responder.fail(delivery.message(), failed.eventId(), failed.error());
    }
    deadLetters
        .publish(failed)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                delivery.ack();
                listener.deadLettered(
                    subscription.name(),
                    failed.event(),
                    failed.eventId(),
                    failed.attempts(),
                    failed.error());
              } else {
                // why: the queue's own dead-letter exchange still moves it to the DLQ, without
                // the error details, rather than losing it
                log.error(
                    "could not publish event {} to {}: {}; rejecting it to the queue's"
                        + " dead-letter exchange",
                    failed.eventId(),
                    deadLetters.queue(),
                    error.toString());
                delivery.reject(false);
              }
            });
  }

  private static long attempts(Message message) {
    return Failure.count(message, WarrenHeaders.ATTEMPTS);
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
