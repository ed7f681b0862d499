package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.RequestFailedException;
import dev.warren.RequestTimeoutException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenClosedException;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import dev.warren.spi.DataCodec;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenOnTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of the engine on a transport: typed handlers, request/reply, delayed retries held by
 * the broker, and what a closed instance does, exercised through the public {@link Warren} API.
 * Subclass it once per transport and implement {@link #connect}.
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class EngineContractTest {
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** A name unique to this test, for exchanges and subscriptions. */
  protected String prefix;

  /**
   * @return options pointing at the broker under test (transport kind and URI)
   */
  protected abstract WarrenOptions.Builder baseOptions();

  /**
   * Opens a new connection to the broker under test, like another process would.
   *
   * @param options the options
   * @return a connected transport
   */
  protected abstract Transport connect(WarrenOptions options);

  @BeforeEach
  void newPrefix() {
    prefix = "e" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void closeAll() {
    List<AutoCloseable> all = new ArrayList<>(open);
    Collections.reverse(all);
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    open.clear();
  }

  /**
   * @return options for a new instance on this test's exchange
   */
  protected WarrenOptions.Builder options() {
    return baseOptions()
        .exchange(prefix + ".events")
        .instanceId(UUID.randomUUID().toString().substring(0, 8))
        .shutdownTimeout(Duration.ofSeconds(5));
  }

  /**
   * @return a new Warren instance on a new connection, closed after the test
   */
  protected Warren newWarren() {
    return newWarren(options().build());
  }

  /**
   * @param options the options
   * @return a new Warren instance on a new connection, closed after the test
   */
  protected Warren newWarren(WarrenOptions options) {
    Warren w = WarrenOnTransport.start(options, connect(options));
    open.add(w);
    return w;
  }

  /**
   * @return a raw transport connection, closed after the test
   */
  protected Transport rawTransport() {
    Transport t = connect(options().build());
    open.add(t);
    return t;
  }

  /**
   * @param suffix a name
   * @return a subscription name unique to this test
   */
  protected String name(String suffix) {
    return prefix + "-" + suffix;
  }

  private static RetryPolicy retries(int immediate, long... delaysMs) {
    List<Duration> delays = new ArrayList<>();
    for (long d : delaysMs) {
      delays.add(Duration.ofMillis(d));
    }
    return RetryPolicy.builder().immediateRetries(immediate).jitter(0).delays(delays).build();
  }

  private static Throwable cause(CompletableFuture<?> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the future to fail, it completed");
  }

  /** Test data. */
  public record KeyChanged(long id, String name) {}

  /** A request. */
  public record QuoteRequest(String sku, int quantity) {}

  /** A reply. */
  public record Quote(String sku, long cents, String by) {}

  // ------------------------------------------------------------------------------ typed handlers

  @Test
  void typedSubscriptionsReceiveRecords() {
    Warren warren = newWarren();
    List<KeyChanged> got = new CopyOnWriteArrayList<>();
    List<Event> events = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named(name("rec")).pattern("key.*"),
        KeyChanged.class,
        (key, event) -> {
          got.add(key);
          events.add(event);
        });
    Event sent = warren.publish("key.changed", new KeyChanged(42, "gold")).join();
    await().atMost(10, SECONDS).until(() -> got.size() == 1);
    assertThat(got.get(0)).isEqualTo(new KeyChanged(42, "gold"));
    assertThat(events.get(0).id()).isEqualTo(sent.id());
  }

  @Test
  void typedSubscriptionsReadStringsMapsAndBytes() {
    Warren warren = newWarren();
    List<String> strings = new CopyOnWriteArrayList<>();
    List<Map<?, ?>> maps = new CopyOnWriteArrayList<>();
    List<byte[]> bytes = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named(name("str")).pattern("s.*"), String.class, (s, e) -> strings.add(s));
    warren.subscribe(
        Subscription.named(name("map")).pattern("m.*"), Map.class, (m, e) -> maps.add(m));
    warren.subscribe(
        Subscription.named(name("bin")).pattern("b.*"), byte[].class, (b, e) -> bytes.add(b));

    warren.publish("s.json", "hello").join();
    warren
        .publish(
            Event.builder("s.text")
                .data("plain text".getBytes(StandardCharsets.UTF_8), "text/plain")
                .build())
        .join();
    warren.publish("m.one", Map.of("amount", 3, "currency", "EUR")).join();
    byte[] raw = {0, 1, 2, (byte) 0xff};
    warren.publish(Event.builder("b.one").data(raw, "application/octet-stream").build()).join();

    await().atMost(10, SECONDS).until(() -> strings.size() == 2 && maps.size() == 1);
    await().atMost(10, SECONDS).until(() -> bytes.size() == 1);
    assertThat(strings).containsExactlyInAnyOrder("hello", "plain text");
    assertThat(maps.get(0)).isEqualTo(Map.of("amount", 3, "currency", "EUR"));
    assertThat(bytes.get(0)).containsExactly(raw);
  }

  @Test
  void undecodableDataIsDeadLetteredAtOnceWithTheReason() {
    String sub = name("undecodable");
    AtomicInteger calls = new AtomicInteger();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("key.*").retry(retries(3, 100, 100)),
        KeyChanged.class,
        (key, event) -> calls.incrementAndGet());
    warren.publish("key.changed", "not an object").join();
    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(10, SECONDS).until(() -> dlq.count() == 1);
    DeadLetter dead = dlq.peek(1).get(0);
    assertThat(calls.get()).isZero();
    assertThat(dead.attempts()).as("never retried").isEqualTo(1);
    assertThat(dead.errorType()).isEqualTo(InvalidInputException.class.getName());
    assertThat(dead.errorMessage()).contains("KeyChanged");
  }

  @Test
  void deadLettersAreReplayedInTheOrderTheyDiedWhateverReadTheQueue() {
    // why: reading a RabbitMQ quorum queue (a peek, a listing) can change its order; a replay must
    // still send an ordered subscription's events back in the order they came
    String sub = name("dlqorder");
    AtomicBoolean failing = new AtomicBoolean(true);
    List<String> replayed = new CopyOnWriteArrayList<>();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub)
            .pattern("dlo.*")
            .concurrency(1)
            .prefetch(1)
            .retry(retries(1, 10, 10)),
        e -> {
          if (failing.get()) {
            throw new IllegalStateException("no " + e.subject());
          }
          replayed.add(e.id());
        });
    DeadLetters dlq = warren.deadLetters(sub);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(warren.publish(Event.builder("dlo.x").subject("n" + i).build()).join().id());
      int died = i + 1;
      // one at a time, so they die in publish order
      await().atMost(20, SECONDS).until(() -> dlq.count() == died);
    }
    assertThat(dlq.peek(2)).hasSize(2);
    assertThat(dlq.peek(100)).extracting(DeadLetter::id).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(dlq.peek(3)).hasSize(3);

    failing.set(false);
    assertThat(dlq.replay(List.of(ids.get(4), ids.get(1)))).isEqualTo(2);
    await().atMost(20, SECONDS).until(() -> replayed.size() == 2);
    assertThat(dlq.replay()).isEqualTo(4);
    await().atMost(20, SECONDS).until(() -> replayed.size() == 6);

    assertThat(replayed.subList(0, 2)).containsExactly(ids.get(1), ids.get(4));
    assertThat(replayed.subList(2, 6))
        .containsExactly(ids.get(0), ids.get(2), ids.get(3), ids.get(5));
    assertThat(dlq.count()).isZero();
  }

  @Test
  void receivedEventsAreDecodedWithTheInstancesCodec() {
    AtomicInteger decoded = new AtomicInteger();
    DataCodec counting =
        new DataCodec() {
          @Override
          public String contentType() {
            return JsonDataCodec.defaults().contentType();
          }

          @Override
          public byte[] encode(Object value) {
            return JsonDataCodec.defaults().encode(value);
          }

          @Override
          public <T> T decode(byte[] data, Class<T> type) {
            decoded.incrementAndGet();
            return JsonDataCodec.defaults().decode(data, type);
          }
        };
    Warren subscriber = newWarren(options().codec(counting).build());
    List<KeyChanged> got = new CopyOnWriteArrayList<>();
    subscriber.subscribe(
        Subscription.named(name("codec")).pattern("key.*"),
        KeyChanged.class,
        (key, event) -> got.add(key));
    newWarren().publish("key.changed", new KeyChanged(7, "blue")).join();
    await().atMost(10, SECONDS).until(() -> got.size() == 1);
    assertThat(got.get(0)).isEqualTo(new KeyChanged(7, "blue"));
    assertThat(decoded.get()).isPositive();
  }

  // ------------------------------------------------------------------------------ request/reply

  @Test
  void aRequestGetsItsReply() {
    Warren responder = newWarren();
    responder.respond(
        Subscription.named(name("echo")).pattern("echo.requested"),
        String.class,
        (text, event) -> text.toUpperCase(java.util.Locale.ROOT));
    Warren requester = newWarren();
    String reply =
        requester.request("echo.requested", "ping", String.class, Duration.ofSeconds(10)).join();
    assertThat(reply).isEqualTo("PING");
  }

  @Test
  void typedRequestsGetTypedReplies() {
    Warren responder = newWarren();
    List<Event> requests = new CopyOnWriteArrayList<>();
    responder.respond(
        Subscription.named(name("quotes")).pattern("quote.requested"),
        QuoteRequest.class,
        (request, event) -> {
          requests.add(event);
          return new Quote(request.sku(), 250L * request.quantity(), "one");
        });
    Quote quote =
        newWarren()
            .request(
                "quote.requested",
                new QuoteRequest("sku-1", 4),
                Quote.class,
                Duration.ofSeconds(10))
            .join();
    assertThat(quote).isEqualTo(new Quote("sku-1", 1000, "one"));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).type()).isEqualTo("quote.requested");
  }

  @Test
  void aResponderReturningNothingAnswersNull() {
    newWarren()
        .respond(
            Subscription.named(name("void")).pattern("noop.requested"),
            Map.class,
            (request, event) -> null);
    assertThat(
            newWarren()
                .request("noop.requested", Map.of(), Quote.class, Duration.ofSeconds(10))
                .join())
        .isNull();
  }

  @Test
  void aRequestNobodyAnswersTimesOut() {
    Warren requester = newWarren();
    long start = System.nanoTime();
    Throwable failure =
        cause(requester.request("nobody.requested", "x", String.class, Duration.ofMillis(300)));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    assertThat(failure)
        .isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining("nobody.requested");
    assertThat(waited)
        .isGreaterThanOrEqualTo(Duration.ofMillis(290))
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aFailingResponderGivesTheRequesterItsError() {
    String sub = name("failing");
    Warren responder = newWarren();
    responder.respond(
        Subscription.named(sub).pattern("price.requested").retry(RetryPolicy.none()),
        QuoteRequest.class,
        (request, event) -> {
          throw new IllegalStateException("no price for " + request.sku());
        });
    Throwable failure =
        cause(
            newWarren()
                .request(
                    "price.requested",
                    new QuoteRequest("sku-9", 1),
                    Quote.class,
                    Duration.ofSeconds(10)));
    assertThat(failure)
        .isInstanceOf(RequestFailedException.class)
        .hasMessageContaining("no price for sku-9")
        .hasMessageContaining(IllegalStateException.class.getName());
    DeadLetters dlq = responder.deadLetters(sub);
    await().atMost(10, SECONDS).until(() -> dlq.count() == 1);
  }

  @Test
  void aResponderIsRetriedByItsPolicyBeforeTheRequesterHearsOfIt() {
    AtomicInteger calls = new AtomicInteger();
    Warren responder = newWarren();
    responder.respond(
        Subscription.named(name("flaky")).pattern("flaky.requested").retry(retries(1, 100)),
        String.class,
        (text, event) -> {
          if (calls.incrementAndGet() < 4) {
            throw new IllegalStateException("busy, attempt " + calls.get());
          }
          return "ok";
        });
    // 2 attempts at once, then a delayed retry with 2 more: the 4th succeeds
    assertThat(
            newWarren()
                .request("flaky.requested", "x", String.class, Duration.ofSeconds(15))
                .join())
        .isEqualTo("ok");
    assertThat(calls.get()).isEqualTo(4);

    calls.set(-100);
    Throwable failure =
        cause(newWarren().request("flaky.requested", "x", String.class, Duration.ofSeconds(15)));
    assertThat(failure)
        .as("dead-lettered after its delayed retry")
        .isInstanceOf(RequestFailedException.class)
        .hasMessageContaining("busy, attempt -96");
  }

  @Test
  void aThousandConcurrentRequestsAreAllAnswered() {
    newWarren()
        .respond(
            Subscription.named(name("double")).pattern("double.requested").concurrency(8),
            Integer.class,
            (n, event) -> n * 2);
    Warren requester = newWarren();
    List<CompletableFuture<Integer>> replies = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      replies.add(requester.request("double.requested", i, Integer.class, Duration.ofSeconds(60)));
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(replies.get(i).join()).isEqualTo(i * 2);
    }
  }

  @Test
  void competingRespondersShareTheRequests() {
    Subscription quotes = Subscription.named(name("compete")).pattern("quote.requested");
    Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    for (String who : List.of("one", "two")) {
      newWarren()
          .respond(
              quotes,
              QuoteRequest.class,
              (request, event) -> {
                served.computeIfAbsent(who, k -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(2);
                return new Quote(request.sku(), request.quantity(), who);
              });
    }
    Warren requester = newWarren();
    List<CompletableFuture<Quote>> replies = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      replies.add(
          requester.request(
              "quote.requested",
              new QuoteRequest("sku-" + i, i),
              Quote.class,
              Duration.ofSeconds(30)));
    }
    for (int i = 0; i < 200; i++) {
      Quote q = replies.get(i).join();
      assertThat(q.sku()).isEqualTo("sku-" + i);
      assertThat(q.cents()).isEqualTo(i);
    }
    assertThat(served.keySet()).containsExactlyInAnyOrder("one", "two");
    assertThat(served.get("one").get() + served.get("two").get()).isEqualTo(200);
  }

  @Test
  void requestReplyLeavesNoQueueBehind() {
    String sub = name("noqueue");
    Warren responder = newWarren();
    responder.respond(
        Subscription.named(sub).pattern("ping.requested"), String.class, (s, e) -> "pong");
    Transport raw = rawTransport();
    Set<String> before = queueNames(raw);
    Warren requester = newWarren();
    for (int i = 0; i < 20; i++) {
      assertThat(
              requester
                  .request("ping.requested", "ping", String.class, Duration.ofSeconds(10))
                  .join())
          .isEqualTo("pong");
    }
    assertThat(queueNames(raw)).isEqualTo(before).containsExactlyInAnyOrder(sub, sub + ".dlq");
    requester.close();
    assertThat(queueNames(raw)).isEqualTo(before);
  }

  private static Set<String> queueNames(Transport raw) {
    Set<String> names = new TreeSet<>();
    for (QueueInfo q : raw.listQueues()) {
      names.add(q.name());
    }
    return names;
  }

  @Test
  void anEventWithoutAReplyAddressIsHandledAndItsReplyDropped() {
    AtomicInteger calls = new AtomicInteger();
    String sub = name("plain");
    Warren warren = newWarren();
    warren.respond(
        Subscription.named(sub).pattern("plain.requested"),
        String.class,
        (s, e) -> {
          calls.incrementAndGet();
          return "nobody listens";
        });
    warren.publish("plain.requested", "hi").join();
    await().atMost(10, SECONDS).until(() -> calls.get() == 1);
    await()
        .atMost(10, SECONDS)
        .until(() -> rawTransport().queueInfo(sub).orElseThrow().messages() == 0);
    assertThat(warren.deadLetters(sub).count()).isZero();
  }

  @Test
  void closingAnInstanceFailsItsPendingRequests() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    newWarren()
        .respond(
            Subscription.named(name("slow")).pattern("slow.requested"),
            String.class,
            (s, e) -> {
              entered.countDown();
              release.await();
              return "late";
            });
    Warren requester = newWarren();
    CompletableFuture<String> reply =
        requester.request("slow.requested", "x", String.class, Duration.ofMinutes(5));
    assertThat(entered.await(10, SECONDS)).isTrue();
    long start = System.nanoTime();
    requester.close();
    assertThat(cause(reply)).isInstanceOf(WarrenClosedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    // the late reply goes to a requester that is gone: dropped, and the responder carries on
    release.countDown();
    assertThat(
            newWarren().request("slow.requested", "y", String.class, Duration.ofSeconds(10)).join())
        .isEqualTo("late");
  }

  @Test
  void badRequestsAreRefusedNamingTheValue() {
    Warren warren = newWarren();
    assertThatThrownBy(
            () -> warren.request("Not A Type!", "x", String.class, Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Not A Type!");
    assertThatThrownBy(() -> warren.request("a.b", "x", String.class, Duration.ZERO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> warren.request("a.b", "x", String.class, Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(
            () ->
                warren.respond(Subscription.named(name("nopattern")), String.class, (s, e) -> "x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(name("nopattern"));
  }

  // ------------------------------------------------------------------------------ closed

  @Test
  void everyOperationOnAClosedInstanceFailsWithWarrenClosedException() {
    Warren warren = newWarren();
    warren.close();
    assertThat(cause(warren.publish("a.b", Map.of()))).isInstanceOf(WarrenClosedException.class);
    assertThat(cause(warren.publish(new KeyChanged(1, "x"))))
        .isInstanceOf(WarrenClosedException.class);
    assertThat(cause(warren.publish(Event.builder("a.b").build())))
        .isInstanceOf(WarrenClosedException.class);
    assertThat(cause(warren.request("a.b", "x", String.class, Duration.ofSeconds(1))))
        .isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(
            () -> warren.subscribe(Subscription.named(name("closed")).pattern("a.*"), e -> {}))
        .isInstanceOf(WarrenClosedException.class)
        .hasMessageContaining(name("closed"));
    assertThatThrownBy(
            () ->
                warren.subscribe(
                    Subscription.named(name("closed")).pattern("a.*"), String.class, (s, e) -> {}))
        .isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(
            () ->
                warren.respond(
                    Subscription.named(name("closed")).pattern("a.*"), String.class, (s, e) -> s))
        .isInstanceOf(WarrenClosedException.class);
    assertThatThrownBy(warren::tasks).isInstanceOf(WarrenClosedException.class);
  }

  // ------------------------------------------------------------------------------ delayed retries

  @Test
  void aLongRetryDoesNotHoldAShortOne() {
    String sub = name("hol");
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    Map<String, Long> handledAt = new ConcurrentHashMap<>();
    Warren warren = newWarren();
    // the first delayed retry waits 1 s, the second 5 min
    warren.subscribe(
        Subscription.named(sub)
            .pattern("job.*")
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(0)
                    .jitter(0)
                    .delays(Duration.ofSeconds(1), Duration.ofMinutes(5))
                    .build()),
        String.class,
        (job, event) -> {
          int n = calls.computeIfAbsent(job, k -> new AtomicInteger()).incrementAndGet();
          if (job.equals("long") || n == 1) {
            throw new IllegalStateException(job + " failed, attempt " + n);
          }
          handledAt.put(job, System.nanoTime());
        });
    warren.publish("job.long", "long").join();
    // "long" failed twice: it now waits 5 min for its second delayed retry
    await()
        .atMost(15, SECONDS)
        .until(() -> calls.getOrDefault("long", new AtomicInteger()).get() == 2);
    long start = System.nanoTime();
    warren.publish("job.short", "short").join();
    await().atMost(15, SECONDS).until(() -> handledAt.containsKey("short"));
    Duration took = Duration.ofNanos(handledAt.get("short") - start);
    assertThat(took)
        .as("the 1 s retry, queued after a 5 min one, came back in about 1 s")
        .isGreaterThanOrEqualTo(Duration.ofMillis(950))
        .isLessThan(Duration.ofSeconds(5));
    assertThat(calls.get("long").get()).isEqualTo(2);
  }

  @Test
  void delayedRetriesWaitInTieredWaitQueuesAndComeBackOnTime() {
    String sub = name("tiers");
    List<Long> attempts = new CopyOnWriteArrayList<>();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("tier.*").retry(retries(0, 700)),
        e -> {
          attempts.add(System.nanoTime());
          if (attempts.size() == 1) {
            throw new IllegalStateException("once");
          }
        });
    warren.publish("tier.one", Map.of()).join();
    await().atMost(15, SECONDS).until(() -> attempts.size() == 2);
    Duration gap = Duration.ofNanos(attempts.get(1) - attempts.get(0));
    // 700 ms = 512 + 128 + 32 + 16 + 12 (within tolerance): a few hops, never early by more than
    // the tolerance of 15 ms
    assertThat(gap)
        .isGreaterThanOrEqualTo(Duration.ofMillis(685))
        .isLessThan(Duration.ofSeconds(5));
    Transport raw = rawTransport();
    assertThat(raw.queueInfo(sub + ".wait.512ms")).as("the tier of the first hop").isPresent();
    assertThat(raw.queueInfo(sub + ".wait.700ms")).as("no queue per nominal delay").isEmpty();
    assertThat(warren.deadLetters(sub).count()).isZero();
    assertThat(raw.queueInfo(sub).orElseThrow().messages()).isZero();
  }

  @Test
  void anOrderedSubscriptionRetriesInPlaceAfterItsDelayKeepingTheKeysOrder() {
    String sub = name("ordered");
    List<String> handled = new CopyOnWriteArrayList<>();
    List<Long> firstTried = new CopyOnWriteArrayList<>();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("step.*").ordered().partitions(1).retry(retries(0, 300)),
        e -> {
          if (e.type().equals("step.one")) {
            firstTried.add(System.nanoTime());
            if (firstTried.size() == 1) {
              throw new IllegalStateException("once");
            }
          }
          handled.add(e.type());
        });
    warren.publish(Event.builder("step.one").partitionKey("k").jsonData("{}").build()).join();
    warren.publish(Event.builder("step.two").partitionKey("k").jsonData("{}").build()).join();

    await().atMost(15, SECONDS).until(() -> handled.size() == 2);
    assertThat(handled).as("the retry held the partition").containsExactly("step.one", "step.two");
    assertThat(Duration.ofNanos(firstTried.get(1) - firstTried.get(0)))
        .as("the retry waited its delay (no jitter)")
        .isGreaterThanOrEqualTo(Duration.ofMillis(290))
        .isLessThan(Duration.ofSeconds(5));
    assertThat(warren.deadLetters(sub).count()).isZero();
  }

  @Test
  void aBroadcastSubscriptionsWaitQueuesExpireWithIt() {
    String sub = name("bcast");
    AtomicInteger calls = new AtomicInteger();
    Warren warren = newWarren();
    SubscriptionHandle handle =
        warren.subscribe(
            Subscription.named(sub).pattern("b.*").broadcast().retry(retries(0, 100)),
            e -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("once");
              }
            });
    warren.publish("b.one", Map.of()).join();
    await().atMost(15, SECONDS).until(() -> calls.get() == 2);
    QueueInfo wait =
        rawTransport().listQueues().stream()
            .filter(q -> q.name().equals(handle.queue() + ".wait.64ms"))
            .findFirst()
            .orElseThrow();
    assertThat(((Number) wait.arguments().get("x-expires")).longValue())
        .as("a broadcast queue's wait queue expires a minute after its longest wait")
        .isEqualTo(60_000 + 64);
  }
}
