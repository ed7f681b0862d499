package dev.warren.internal.engine;

import dev.warren.InvalidInputException;
import dev.warren.RequestFailedException;
import dev.warren.RequestTimeoutException;
import dev.warren.WarrenClosedException;
import dev.warren.spi.DataCodec;
import dev.warren.transport.Message;
import dev.warren.transport.ReplyChannel;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asking side of request/reply ({@code Warren.request}): one {@link ReplyChannel} per instance,
 * opened on the first request, receives the replies of all its requests, matched to them by
 * correlation (the request's event id).
 *
 * <p>Every pending request has a timer; whatever completes it first (its reply, its timeout, a
 * failed publish, the instance closing, the caller cancelling) removes it and its timer, so nothing
 * is left behind. A reply that comes after that is dropped.
 */
final class Requester {
  private static final Logger log = LoggerFactory.getLogger(Requester.class);

  private final Transport transport;
  private final DataCodec codec;
  private final Map<String, Pending<?>> pending = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor timers;
  private final Object channelLock = new Object();
  private volatile ReplyChannel channel;
  private volatile boolean closed;

  Requester(Transport transport, DataCodec codec, String instanceId) {
    this.transport = transport;
    this.codec = codec;
    this.timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "warren-requests-" + instanceId);
              t.setDaemon(true);
              return t;
            });
    // why: a request answered in time cancels its timer; without this the cancelled timers of a
    // busy requester would pile up in the queue until their (long) timeouts
    timers.setRemoveOnCancelPolicy(true);
  }

  /** A request waiting for its reply. */
  private final class Pending<R> {
    final String id;
    final String type;
    final Class<R> replyType;
    final CompletableFuture<R> future = new CompletableFuture<>();
    volatile ScheduledFuture<?> timer;

    Pending(String id, String type, Class<R> replyType) {
      this.id = id;
      this.type = type;
      this.replyType = replyType;
    }

    // why: forget the request before completing it. A caller blocked in join() is woken by the
    // completion itself, possibly before a whenComplete callback has run, and must already see
    // the request gone.
    void succeed(R value) {
      pending.remove(id, this);
      future.complete(value);
    }

    void fail(Throwable error) {
      pending.remove(id, this);
      future.completeExceptionally(error);
    }

    void answer(Message reply) {
      String status = reply.header(WarrenHeaders.REPLY_STATUS);
      if (WarrenHeaders.REPLY_ERROR.equals(status)) {
        fail(
            new RequestFailedException(
                "request '"
                    + type
                    + "' failed in its responder: "
                    + reply.header(WarrenHeaders.ERROR_TYPE)
                    + ": "
                    + reply.header(WarrenHeaders.ERROR_MESSAGE)));
        return;
      }
      if (WarrenHeaders.REPLY_NONE.equals(status)) {
        succeed(null);
        return;
      }
      R value;
      try {
        value = Decoding.reply(reply.body(), reply.contentType(), replyType, codec);
      } catch (RuntimeException e) {
        fail(
            new InvalidInputException(
                "the reply to request '"
                    + type
                    + "' cannot be read as "
                    + replyType.getName()
                    + ": "
                    + e.getMessage(),
                e));
        return;
      }
      succeed(value);
    }
  }

  /**
   * Registers a request before it is published (its reply may arrive before the confirm).
   *
   * @param id the request's event id, which its reply carries as correlation
   * @param type the request's event type, for messages
   * @param replyType what to decode the reply as
   * @param timeout how long to wait for the reply
   * @param <R> the reply type
   * @return completes with the reply; fails with {@link RequestTimeoutException}, {@link
   *     RequestFailedException}, {@link InvalidInputException} (reply not decodable) or {@link
   *     WarrenClosedException}
   */
  <R> CompletableFuture<R> expect(String id, String type, Class<R> replyType, Duration timeout) {
    Pending<R> p = new Pending<>(id, type, replyType);
    if (pending.putIfAbsent(id, p) != null) {
      throw new InvalidInputException("a request with event id '" + id + "' is already waiting");
    }
    p.future.whenComplete(
        (r, e) -> {
          pending.remove(id, p);
          ScheduledFuture<?> t = p.timer;
          if (t != null) {
            t.cancel(false);
          }
        });
    try {
      p.timer =
          timers.schedule(
              () -> p.fail(new RequestTimeoutException(type, timeout)),
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      p.fail(closedWhileWaiting(type));
    }
    if (p.future.isDone()) {
      // why: the reply or timeout raced the timer's start; cancel what whenComplete may have missed
      ScheduledFuture<?> t = p.timer;
      if (t != null) {
        t.cancel(false);
      }
    }
    if (closed) {
      p.fail(closedWhileWaiting(type));
    }
    return p.future;
  }

  /**
   * Publishes a request through the reply channel, opening it first if this is the first request.
   *
   * @param exchange the exchange
   * @param routingKey the routing key
   * @param request the request message
   * @return completes on the broker's confirm
   */
  CompletableFuture<Void> publish(String exchange, String routingKey, Message request) {
    try {
      return channel().publish(exchange, routingKey, request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private ReplyChannel channel() {
    ReplyChannel c = channel;
    if (c == null) {
      synchronized (channelLock) {
        c = channel;
        if (c == null) {
          if (closed) {
            throw new WarrenClosedException(
                "cannot send a request: this Warren instance is closed");
          }
          c = transport.replies(this::onReply);
          channel = c;
        }
      }
    }
    return c;
  }

  private void onReply(Message reply) {
    String id = reply.correlationId();
    Pending<?> p = id == null ? null : pending.get(id);
    if (p == null) {
      log.debug("dropping a reply to {}: no request waits for it (timed out?)", id);
      return;
    }
    p.answer(reply);
  }

  /**
   * @return how many requests wait for their reply
   */
  int pending() {
    return pending.size();
  }

  /** Fails every pending request with {@link WarrenClosedException} and stops receiving replies. */
  void close() {
    closed = true;
    for (Pending<?> p : List.copyOf(pending.values())) {
      p.fail(closedWhileWaiting(p.type));
    }
    ReplyChannel c;
    synchronized (channelLock) {
      c = channel;
    }
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        log.debug("closing the reply channel: {}", e.toString());
      }
    }
    timers.shutdownNow();
  }

  private static WarrenClosedException closedWhileWaiting(String type) {
    return new WarrenClosedException(
        "request '" + type + "' was waiting for its reply when this Warren instance closed");
  }
}
