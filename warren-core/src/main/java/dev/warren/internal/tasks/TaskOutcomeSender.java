package dev.warren.internal.tasks;

import dev.warren.codec.JsonDataCodec;
import dev.warren.tasks.TaskStatus;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outcomes of the tasks an instance finished to every instance following tasks ({@link
 * TaskOutcomes}), many to a message: a fanout exchange {@code <exchange>.task-outcomes}, to which
 * each follower binds its private queue.
 *
 * <p>Batched as the store batches its writes: while one message is out waiting for the broker's
 * confirm, the outcomes finished meanwhile queue up and go out together in the next one. why: one
 * message per task was, with the task's own message, most of what the broker did per task; a batch
 * costs the broker one message however many tasks it carries, and waits for nothing when the broker
 * keeps up (the first outcome after a quiet spell goes out alone, at once).
 *
 * <p>The outcome is sent after it is durable in the store, so a follower that misses the message
 * (it was not listening yet, or the broker lost the message with its queue) finds it there: {@link
 * TaskOutcomes} reads the store when a watch starts unexpected, and for futures that waited long.
 */
final class TaskOutcomeSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskOutcomeSender.class);

  /** The {@code type} property of an outcome message. */
  static final String TYPE = "warren.task-outcomes";

  /** Outcomes per message at most; a larger backlog goes out in several. */
  static final int MAX_BATCH = 512;

  /** Bytes of outcomes per message, roughly: a message is closed once it reaches this. */
  static final int MAX_BYTES = 1 << 20;

  private final Transport transport;
  private final String eventsExchange;
  private final String exchange;
  private final ConcurrentLinkedQueue<byte[]> queued = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final ExecutorService sender;
  private volatile boolean declared;

  /**
   * @param transport the instance's transport
   * @param eventsExchange the instance's topic exchange; outcomes go to {@link #exchange(String)}
   */
  TaskOutcomeSender(Transport transport, String eventsExchange) {
    this.transport = transport;
    this.eventsExchange = eventsExchange;
    this.exchange = exchange(eventsExchange);
    this.sender =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "warren-task-outcome-sender");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * @param eventsExchange an instance's topic exchange
   * @return the fanout exchange its task outcomes travel on
   */
  static String exchange(String eventsExchange) {
    return eventsExchange + ".task-outcomes";
  }

  /**
   * Declares the outcome exchange: durable, so a broker restart does not leave publishers sending
   * to an exchange that is gone (which would close their channel).
   *
   * @param transport the transport
   * @param eventsExchange the instance's topic exchange
   */
  static void declare(Transport transport, String eventsExchange) {
    transport.declareExchange(
        new ExchangeSpec(exchange(eventsExchange), ExchangeSpec.ExchangeType.FANOUT, true));
  }

  /**
   * Queues a final status to go out with the next message; returns at once.
   *
   * @param status a final status, durable in the store
   */
  void send(TaskStatus status) {
    byte[] encoded;
    try {
      encoded = JsonDataCodec.MAPPER.writeValueAsBytes(TaskQueue.eventData(status));
    } catch (IOException e) {
      log.warn("cannot encode the outcome of task {}: {}", status.id(), e.toString());
      return;
    }
    queued.add(encoded);
    kick();
  }

  private void kick() {
    if (!queued.isEmpty() && sending.compareAndSet(false, true)) {
      try {
        sender.execute(this::flush);
      } catch (RejectedExecutionException e) {
        sending.set(false);
      }
    }
  }

  /** Sends what is queued as one message; the next goes when the broker confirmed this one. */
  private void flush() {
    ByteArrayOutputStream body = new ByteArrayOutputStream(4096);
    int count = 0;
    body.write('[');
    byte[] next;
    while (count < MAX_BATCH && body.size() < MAX_BYTES && (next = queued.poll()) != null) {
      if (count > 0) {
        body.write(',');
      }
      body.writeBytes(next);
      count++;
    }
    body.write(']');
    if (count == 0) {
      sending.set(false);
      kick();
      return;
    }
    int sent = count;
    CompletableFuture<Void> confirmed;
    try {
      if (!declared) {
        declare(transport, eventsExchange);
        declared = true;
      }
      confirmed = transport.publish(exchange, "", message(body.toByteArray()));
    } catch (RuntimeException e) {
      confirmed = CompletableFuture.failedFuture(e);
    }
    confirmed.whenComplete(
        (ok, error) -> {
          if (error != null) {
            // why: the outcomes are in the store, where followers read the futures that waited
            // long (TaskOutcomes); so this is logged, not retried into a broker that just refused
            log.warn(
                "could not send the outcomes of {} tasks to {}: {}",
                sent,
                exchange,
                error.toString());
          }
          sending.set(false);
          kick();
        });
  }

  private static Message message(byte[] body) {
    return new Message(
        UUID.randomUUID().toString(),
        TYPE,
        "application/json",
        null,
        null,
        "warren",
        Instant.now(),
        null,
        // why: its queues are private and not durable; writing it to disk would buy nothing
        false,
        Map.of(),
        body,
        null,
        null,
        null);
  }

  /**
   * Sends what is queued, waiting up to {@code timeout} for the broker's confirms, then stops.
   *
   * @param timeout how long to wait at most
   */
  void close(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while ((!queued.isEmpty() || sending.get()) && System.nanoTime() < deadline) {
      kick();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!queued.isEmpty()) {
      log.warn(
          "{} task outcomes were not sent before closing; they are in the store", queued.size());
    }
    sender.shutdown();
  }

  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(5));
  }
}
