package dev.warren.internal.deadletters;

import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.WarrenException;
import dev.warren.internal.envelope.AmqpBinding;
import dev.warren.spi.DataCodec;
import dev.warren.transport.BrowsedMessage;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenHeaders;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription's dead-letter queue, read with {@code get} and settled with ack (taken) or reject
 * with requeue (left in place). Messages are held unacknowledged while a call runs, so a crash in
 * the middle returns them to the queue instead of losing them.
 */
public final class DeadLettersImpl implements DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLettersImpl.class);
  private static final Set<String> FAILURE_HEADERS =
      Set.of(
          WarrenHeaders.ATTEMPTS,
          WarrenHeaders.RETRIES,
          WarrenHeaders.RETRY_DUE,
          WarrenHeaders.ERROR_TYPE,
          WarrenHeaders.ERROR_MESSAGE,
          WarrenHeaders.ERROR_STACK,
          WarrenHeaders.FIRST_FAILURE,
          WarrenHeaders.LAST_FAILURE,
          "x-death",
          "x-first-death-queue",
          "x-first-death-reason",
          "x-first-death-exchange",
          "x-last-death-queue",
          "x-last-death-reason",
          "x-last-death-exchange");

  private final String subscription;
  private final String queue;
  private final Transport transport;
  private final DataCodec codec;
  private final BiConsumer<String, String> onReplayed;

  /**
   * @param subscription the subscription
   * @param transport where its dead-letter queue is
   * @param codec the codec the dead events' data is read with
   * @param replayed told (subscription, event id) of each dead letter replayed
   * @throws InvalidInputException when the subscription has no dead-letter queue
   */
  public DeadLettersImpl(
      String subscription,
      Transport transport,
      DataCodec codec,
      BiConsumer<String, String> replayed) {
    this.onReplayed = replayed;
    this.subscription = subscription;
    this.queue = subscription + ".dlq";
    this.transport = transport;
    this.codec = codec;
    if (transport.queueInfo(queue).isEmpty()) {
      throw new InvalidInputException(
          "subscription '" + subscription + "' has no dead-letter queue '" + queue + "'");
    }
  }

  @Override
  public String subscription() {
    return subscription;
  }

  @Override
  public long count() {
    return transport.queueInfo(queue).map(i -> i.messages()).orElse(0L);
  }

  @Override
  public List<DeadLetter> peek(int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit " + limit + " must be at least 1");
    }
    List<DeadLetter> result = new ArrayList<>();
    for (BrowsedMessage m : transport.browse(queue, limit)) {
      result.add(toDeadLetter(m));
    }
    return result;
  }

  @Override
  public long replay() {
    return replayMatching(null);
  }

  @Override
  public long replay(Collection<String> ids) {
    // why: not ids.contains(null), which immutable collections answer with an exception
    if (ids == null || ids.stream().anyMatch(java.util.Objects::isNull)) {
      throw new InvalidInputException("replay of " + subscription + " needs event ids, got " + ids);
    }
    return replayMatching(Set.copyOf(ids));
  }

  private long replayMatching(Set<String> ids) {
    List<Delivery> kept = new ArrayList<>();
    List<Chosen> chosen = new ArrayList<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    // why: messages looked at stay unacknowledged until the end, so the walk sees each once and
    // ends when the queue has nothing ready. Not bounded by the queue's message count alone: that
    // counts only ready messages, and a peek's returns may not be ready again yet. Stopping as soon
    // as every asked-for id was found keeps the held set small.
    Set<String> missing = ids == null ? null : new java.util.HashSet<>(ids);
    long limit = 2 * count() + 1000;
    try {
      for (long seen = 0; seen < limit && (missing == null || !missing.isEmpty()); seen++) {
        Optional<Delivery> next = transport.get(queue);
        if (next.isEmpty()) {
          break;
        }
        Delivery d = next.get();
        String id = idOf(d.message());
        String target;
        if (ids != null && !ids.contains(id)) {
          kept.add(d);
        } else if ((target = target(d.message())) == null) {
          log.warn("dead letter {} of {}: its queue is gone; leaving it", id, subscription);
          kept.add(d);
        } else {
          chosen.add(new Chosen(d, id, target, diedAt(d.message())));
          if (missing != null) {
            missing.remove(id);
          }
        }
      }
      // why: in the order they died, not the order the queue holds them in: reading a quorum
      // queue (a peek, a listing) can change its order, and an ordered subscription's events must
      // come back per key in the order they came the first time
      chosen.sort(java.util.Comparator.comparing(Chosen::diedAt));
      for (Chosen c : chosen) {
        Delivery d = c.delivery();
        String id = c.id();
        Message back = d.message().withHeaders(replayHeaders(d.message())).withExpiration(null);
        sent.add(
            transport
                .publish("", c.target(), back)
                .whenComplete(
                    (ok, error) -> {
                      if (error == null) {
                        d.ack();
                        onReplayed.accept(subscription, id);
                      } else {
                        d.reject(true);
                      }
                    }));
      }
    } catch (RuntimeException e) {
      chosen.stream().skip(sent.size()).map(Chosen::delivery).forEach(kept::add);
      throw e;
    } finally {
      for (Delivery d : kept) {
        d.reject(true);
      }
    }
    try {
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    } catch (RuntimeException e) {
      throw new WarrenException(
          "replaying " + subscription + " failed part-way; unconfirmed dead letters stay", e);
    }
    log.info("replayed {} dead letter(s) of {}", sent.size(), subscription);
    return sent.size();
  }

  /** A dead letter chosen for replay, with where it goes and when it died, each found once. */
  private record Chosen(Delivery delivery, String id, String target, Instant diedAt) {}

  /** When a dead letter died: its last failure, or for one the broker dead-lettered, unknown. */
  private static Instant diedAt(Message m) {
    Instant last = time(m.header(WarrenHeaders.LAST_FAILURE));
    return last != null ? last : Instant.MAX;
  }

  private String target(Message m) {
    String q = m.header(WarrenHeaders.QUEUE);
    if (q != null && transport.queueInfo(q).isPresent()) {
      return q;
    }
    return transport.queueInfo(subscription).isPresent() ? subscription : null;
  }

  private static Map<String, Object> replayHeaders(Message m) {
    Map<String, Object> headers = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : m.headers().entrySet()) {
      if (!FAILURE_HEADERS.contains(e.getKey())) {
        headers.put(e.getKey(), e.getValue());
      }
    }
    // why: one the broker dead-lettered names its first routing key only in x-death, which goes
    String first = AmqpBinding.firstRoutingKey(m);
    if (first != null) {
      headers.putIfAbsent(WarrenHeaders.ROUTING_KEY, first);
    }
    headers.put(WarrenHeaders.REPLAYS, Failure.count(m, WarrenHeaders.REPLAYS) + 1);
    return headers;
  }

  @Override
  public long purge() {
    long n = transport.purgeQueue(queue);
    log.info("purged {} dead letter(s) of {}", n, subscription);
    return n;
  }

  private static String idOf(Message m) {
    return Failure.idOf(m);
  }

  private DeadLetter toDeadLetter(Delivery d) {
    Message m = d.message();
    String routingKey = AmqpBinding.firstRoutingKey(m);
    Event event;
    try {
      event = AmqpBinding.toEvent(m, routingKey != null ? routingKey : d.routingKey(), codec);
    } catch (RuntimeException e) {
      event = null;
    }
    return new DeadLetter(
        event != null ? event.id() : idOf(m),
        event,
        Optional.ofNullable(m.header(WarrenHeaders.SUBSCRIPTION)).orElse(subscription),
        routingKey,
        Failure.count(m, WarrenHeaders.ATTEMPTS),
        m.header(WarrenHeaders.ERROR_TYPE),
        Optional.ofNullable(m.header(WarrenHeaders.ERROR_MESSAGE)).orElseGet(() -> brokerReason(m)),
        m.header(WarrenHeaders.ERROR_STACK),
        time(m.header(WarrenHeaders.FIRST_FAILURE)),
        time(m.header(WarrenHeaders.LAST_FAILURE)),
        Failure.count(m, WarrenHeaders.REPLAYS));
  }

  /**
   * @return why the broker dead-lettered a message no handler failed with (a poison message
   *     returned more often than its quorum queue's delivery limit), or {@code null}
   */
  private static String brokerReason(Message m) {
    String reason = m.header("x-first-death-reason");
    if (reason == null) {
      return null;
    }
    String queue = m.header("x-first-death-queue");
    String where = queue == null ? "" : " from queue '" + queue + "'";
    return "delivery_limit".equals(reason)
        ? "dead-lettered by the broker"
            + where
            + ": returned more often than its delivery limit (a handler or process that failed"
            + " without settling it each time)"
        : "dead-lettered by the broker" + where + ": " + reason;
  }

  private static Instant time(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
