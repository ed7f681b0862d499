package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.EventHandler;
import dev.warren.EventType;
import dev.warren.InvalidInputException;
import dev.warren.NonRetryableException;
import dev.warren.PartitionKey;
import dev.warren.PublishRejectedException;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.TopologyMismatchException;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenHeaders;
import dev.warren.transport.WarrenOnTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Transport} passes, exercised through the public {@link Warren} API
 * (which is what users see) and, where the contract is about the wire, through the transport
 * directly. Subclass it once per transport and implement {@link #connect}.
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class TransportContractTest {
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

  /**
   * @return whether {@link #restartBroker()} is supported
   */
  protected boolean supportsBrokerRestart() {
    return false;
  }

  /** Stops and starts the broker; persistent messages in durable queues must survive. */
  protected void restartBroker() {
    throw new UnsupportedOperationException("this transport has no broker to restart");
  }

  @BeforeEach
  void newPrefix() {
    prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
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
  protected WarrenOptions options() {
    return baseOptions()
        .exchange(prefix + ".events")
        .instanceId(UUID.randomUUID().toString().substring(0, 8))
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * @return a new Warren instance on a new connection, closed after the test
   */
  protected Warren newWarren() {
    return newWarren(options());
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
    Transport t = connect(options());
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

  private static List<String> ids(List<Event> events) {
    return events.stream().map(Event::id).toList();
  }

  private static Recorder recorder() {
    return new Recorder();
  }

  /** Records events a handler received. */
  protected static final class Recorder implements EventHandler {
    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void handle(Event event) {
      events.add(event);
    }

    List<String> types() {
      return events.stream().map(Event::type).toList();
    }
  }

  @Test
  void routesWithTopicWildcards() {
    Warren warren = newWarren();
    Map<String, Recorder> byPattern = new ConcurrentHashMap<>();
    List<String> patterns = List.of("order.*", "order.#", "#", "order.created.eu", "*.created.*");
    int i = 0;
    for (String pattern : patterns) {
      Recorder r = recorder();
      byPattern.put(pattern, r);
      warren.subscribe(Subscription.named(name("p" + i++)).pattern(pattern), r);
    }
    for (String type : List.of("order", "order.created", "order.created.eu", "user.created.us")) {
      warren.publish(type, Map.of("t", type)).join();
    }
    // why: queues are FIFO, so once the catch-all sentinel arrived everything before it did too
    warren.publish("order.created.sentinel", Map.of()).join();
    warren.publish("zz.created.sentinel", Map.of()).join();
    await()
        .atMost(10, SECONDS)
        .until(
            () ->
                byPattern.get("#").events.size() == 6
                    && byPattern.get("*.created.*").events.size() == 4);
    await()
        .atMost(10, SECONDS)
        .until(() -> byPattern.get("order.#").types().contains("order.created.sentinel"));

    assertThat(byPattern.get("order.*").types()).containsExactly("order.created");
    assertThat(byPattern.get("order.#").types())
        .containsExactly("order", "order.created", "order.created.eu", "order.created.sentinel");
    assertThat(byPattern.get("#").types())
        .containsExactly(
            "order",
            "order.created",
            "order.created.eu",
            "user.created.us",
            "order.created.sentinel",
            "zz.created.sentinel");
    assertThat(byPattern.get("order.created.eu").types()).containsExactly("order.created.eu");
    assertThat(byPattern.get("*.created.*").types())
        .containsExactly(
            "order.created.eu", "user.created.us", "order.created.sentinel", "zz.created.sentinel");
  }

  @Test
  void competingInstancesSplitTheWork() {
    String sub = name("work");
    Recorder a = recorder();
    Recorder b = recorder();
    Warren one = newWarren();
    Warren two = newWarren();
    one.subscribe(Subscription.named(sub).pattern("job.#").prefetch(1), slow(a));
    two.subscribe(Subscription.named(sub).pattern("job.#").prefetch(1), slow(b));
    Warren publisher = newWarren();
    List<CompletableFuture<Event>> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(publisher.publish("job.run", Map.of("n", i)));
    }
    Set<String> published = Set.copyOf(sent.stream().map(f -> f.join().id()).toList());
    await().atMost(20, SECONDS).until(() -> a.events.size() + b.events.size() >= 60);

    List<String> all = new ArrayList<>(ids(a.events));
    all.addAll(ids(b.events));
    assertThat(all).hasSize(60).doesNotHaveDuplicates();
    assertThat(Set.copyOf(all)).isEqualTo(published);
    assertThat(a.events).isNotEmpty();
    assertThat(b.events).isNotEmpty();
  }

  private static EventHandler slow(Recorder r) {
    return e -> {
      Thread.sleep(2);
      r.handle(e);
    };
  }

  @Test
  void broadcastReachesEveryInstance() {
    String sub = name("cache");
    Recorder a = recorder();
    Recorder b = recorder();
    newWarren().subscribe(Subscription.named(sub).pattern("key.*").broadcast(), a);
    newWarren().subscribe(Subscription.named(sub).pattern("key.*").broadcast(), b);
    Warren publisher = newWarren();
    for (int i = 0; i < 10; i++) {
      publisher.publish("key.updated", Map.of("id", i)).join();
    }
    await().atMost(10, SECONDS).until(() -> a.events.size() == 10 && b.events.size() == 10);
    assertThat(ids(a.events)).isEqualTo(ids(b.events));
  }

  @Test
  void broadcastQueueIsRemovedWhenItsInstanceCloses() {
    String sub = name("bcast");
    Warren w = newWarren();
    SubscriptionHandle handle =
        w.subscribe(Subscription.named(sub).pattern("x.*").broadcast(), e -> {});
    Transport raw = rawTransport();
    assertThat(raw.queueInfo(handle.queue())).isPresent();
    assertThat(handle.queue()).startsWith(sub + ".");
    handle.close();
    assertThat(raw.queueInfo(handle.queue())).isEmpty();
    assertThat(raw.queueInfo(sub + ".dlq")).isPresent();
  }

  @Test
  void acknowledgesOnlyAfterTheHandlerReturnsAndRedeliversAfterACrash() throws Exception {
    String sub = name("crash");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    WarrenOptions crashingOptions = options();
    Transport crashing = connect(crashingOptions);
    open.add(crashing);
    Warren victim = WarrenOnTransport.start(crashingOptions, crashing);
    victim.subscribe(
        Subscription.named(sub).pattern("pay.*"),
        e -> {
          entered.countDown();
          never.await();
        });
    Event sent = newWarren().publish("pay.requested", Map.of("amount", 5)).join();
    assertThat(entered.await(10, SECONDS)).isTrue();
    Transport raw = rawTransport();
    assertThat(raw.queueInfo(sub).orElseThrow().messages())
        .as("a message being handled is not acknowledged yet")
        .isZero();

    // the process dies before its handler returns: no ack, the broker takes the message back
    crashing.close();
    never.countDown();

    Recorder survivor = recorder();
    newWarren().subscribe(Subscription.named(sub).pattern("pay.*"), survivor);
    await().atMost(15, SECONDS).until(() -> survivor.events.size() == 1);
    assertThat(survivor.events.get(0).id()).isEqualTo(sent.id());
  }

  @Test
  void failingHandlerDeadLettersOnceWithTheError() {
    String sub = name("fails");
    AtomicInteger calls = new AtomicInteger();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("img.*").retry(RetryPolicy.none()),
        e -> {
          calls.incrementAndGet();
          throw new IllegalStateException("provider down for " + e.subject().orElse("?"));
        });
    Event sent =
        warren
            .publish(Event.builder("img.requested").subject("cat").jsonData("{\"p\":1}").build())
            .join();
    Transport raw = rawTransport();
    await()
        .atMost(10, SECONDS)
        .until(() -> raw.queueInfo(sub + ".dlq").orElseThrow().messages() == 1);
    assertThat(calls.get()).isEqualTo(1);
    assertThat(raw.queueInfo(sub).orElseThrow().messages()).isZero();

    Delivery dead = raw.get(sub + ".dlq").orElseThrow();
    Message m = dead.message();
    assertThat(m.header(WarrenHeaders.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
    assertThat(m.header(WarrenHeaders.ERROR_MESSAGE)).isEqualTo("provider down for cat");
    assertThat(m.header(WarrenHeaders.ERROR_STACK)).contains("IllegalStateException");
    assertThat(m.header(WarrenHeaders.SUBSCRIPTION)).isEqualTo(sub);
    assertThat(m.header(WarrenHeaders.ROUTING_KEY)).isEqualTo("img.requested");
    assertThat(m.header(WarrenHeaders.ATTEMPTS)).isEqualTo("1");
    assertThat(m.header("cloudEvents_id")).isEqualTo(sent.id());
    assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{\"p\":1}");
    dead.reject(true);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void eventRoundTripsWithEveryAttribute() {
    Recorder r = recorder();
    Warren warren = newWarren();
    warren.subscribe(Subscription.named(name("rt")).pattern("#"), r);
    Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(5);
    Event sent =
        Event.builder("transcription.voice.completed")
            .id("evt-1-" + prefix)
            .source("/tests/contract")
            .time(time)
            .subject("voice-9")
            .jsonData("{\"text\":\"hello\",\"n\":1}")
            .correlationId("corr-1")
            .causationIds(List.of("parent-a", "parent-b"))
            .partitionKey("user-7")
            .extension("tenant", "acme")
            .build();
    warren.publish(sent).join();
    await().atMost(10, SECONDS).until(() -> r.events.size() == 1);
    Event got = r.events.get(0);
    assertThat(got).isEqualTo(sent);
    assertThat(got.causationIds()).containsExactly("parent-a", "parent-b");
    assertThat(got.dataContentType()).isEqualTo("application/json");
    assertThat(got.data(Map.class).get("text")).isEqualTo("hello");
  }

  /** A typed event. */
  @EventType("virtual-key.updated")
  public record KeyChanged(long id, String name) {}

  @Test
  void typedEventsUseTheirAnnotatedType() {
    Recorder r = recorder();
    Warren warren = newWarren();
    warren.subscribe(Subscription.named(name("typed")).pattern("virtual-key.*"), r);
    Event sent = warren.publish(new KeyChanged(42, "gold")).join();
    assertThat(sent.type()).isEqualTo("virtual-key.updated");
    assertThat(sent.source()).isEqualTo(options().source());
    await().atMost(10, SECONDS).until(() -> r.events.size() == 1);
    assertThat(r.events.get(0).data(KeyChanged.class)).isEqualTo(new KeyChanged(42, "gold"));
    assertThatThrownBy(() -> warren.publish(new Object()).join())
        .hasCauseInstanceOf(InvalidInputException.class)
        .hasMessageContaining("@EventType");
  }

  @Test
  void foreignPlainJsonMessagesArrive() {
    Recorder r = recorder();
    Warren warren = newWarren();
    warren.subscribe(Subscription.named(name("foreign")).pattern("legacy.#"), r);
    Transport raw = rawTransport();
    String exchange = prefix + ".events";
    // like pika with no properties at all
    raw.publish(
            exchange,
            "legacy.user.signup",
            Message.of("{\"user\":1}".getBytes(StandardCharsets.UTF_8), Map.of()))
        .join();
    // like aio-pika with a message id and an app id
    raw.publish(
            exchange,
            "legacy.user.login",
            new Message(
                "m-77",
                null,
                "application/json",
                "c-9",
                "billing",
                null,
                null,
                true,
                Map.of(),
                "{\"user\":2}".getBytes(StandardCharsets.UTF_8)))
        .join();
    await().atMost(10, SECONDS).until(() -> r.events.size() == 2);
    Event first = r.events.get(0);
    assertThat(first.type()).isEqualTo("legacy.user.signup");
    assertThat(first.id()).isNotBlank();
    assertThat(first.dataAsString()).isEqualTo("{\"user\":1}");
    Event second = r.events.get(1);
    assertThat(second.id()).isEqualTo("m-77");
    assertThat(second.source()).isEqualTo("billing");
    assertThat(second.correlationId()).contains("c-9");
    assertThat(second.data(Map.class).get("user")).isEqualTo(2);
  }

  @Test
  void rawConsumersSeeTheCloudEventsAmqpBinding() {
    Transport raw = rawTransport();
    Warren warren = newWarren();
    String queue = name("raw");
    raw.declareQueue(QueueSpec.durable(queue));
    raw.bind(queue, prefix + ".events", "virtual-key.*");
    Event sent =
        warren
            .publish(
                Event.builder("virtual-key.deleted")
                    .subject("k1")
                    .correlationId("c1")
                    .data(Map.of("id", 1))
                    .build())
            .join();
    await().atMost(10, SECONDS).until(() -> raw.queueInfo(queue).orElseThrow().messages() == 1);
    Delivery d = raw.get(queue).orElseThrow();
    Message m = d.message();
    d.ack();
    assertThat(d.routingKey()).isEqualTo("virtual-key.deleted");
    assertThat(m.header("cloudEvents_specversion")).isEqualTo("1.0");
    assertThat(m.header("cloudEvents_id")).isEqualTo(sent.id());
    assertThat(m.header("cloudEvents_type")).isEqualTo("virtual-key.deleted");
    assertThat(m.header("cloudEvents_source")).isEqualTo(sent.source());
    assertThat(m.header("cloudEvents_subject")).isEqualTo("k1");
    assertThat(m.header("cloudEvents_correlationid")).isEqualTo("c1");
    assertThat(Instant.parse(m.header("cloudEvents_time"))).isEqualTo(sent.time());
    assertThat(m.messageId()).isEqualTo(sent.id());
    assertThat(m.type()).isEqualTo("virtual-key.deleted");
    assertThat(m.contentType()).isEqualTo("application/json");
    assertThat(m.correlationId()).isEqualTo("c1");
    assertThat(m.appId()).isEqualTo(sent.source());
    assertThat(m.timestamp()).isNotNull();
    assertThat(m.persistent()).isTrue();
    assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
  }

  @Test
  void everyConfirmedPublishIsInTheQueue() {
    Transport raw = rawTransport();
    Warren warren = newWarren();
    String queue = name("confirms");
    raw.declareQueue(QueueSpec.durable(queue));
    raw.bind(queue, prefix + ".events", "metric.#");
    List<CompletableFuture<Event>> futures = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      futures.add(warren.publish("metric.sample", Map.of("i", i)));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    await().atMost(10, SECONDS).until(() -> raw.queueInfo(queue).orElseThrow().messages() == 2000);
    assertThat(futures.stream().map(f -> f.join().id()).distinct()).hasSize(2000);
  }

  @Test
  void closingWhileBusyLosesNothing() {
    String sub = name("busy");
    Set<String> handled = ConcurrentHashMap.newKeySet();
    EventHandler slowHandler =
        e -> {
          Thread.sleep(20);
          handled.add(e.id());
        };
    Warren first = newWarren();
    first.subscribe(
        Subscription.named(sub).pattern("batch.*").concurrency(2).prefetch(10), slowHandler);
    Warren publisher = newWarren();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sent.add(publisher.publish("batch.item", Map.of("i", i)).join().id());
    }
    await().atMost(10, SECONDS).until(() -> handled.size() >= 5);
    first.close();
    int afterClose = handled.size();
    assertThat(afterClose).isLessThan(60);

    newWarren().subscribe(Subscription.named(sub).pattern("batch.*").concurrency(4), slowHandler);
    await().atMost(20, SECONDS).until(() -> handled.containsAll(sent));
    assertThat(rawTransport().queueInfo(sub + ".dlq").orElseThrow().messages()).isZero();
  }

  @Test
  void publishFromAHandlerCarriesCorrelationAndCausation() {
    Recorder r = recorder();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(name("chain1")).pattern("voice.recorded"),
        e -> warren.publish("voice.transcribed", Map.of()).join());
    warren.subscribe(Subscription.named(name("chain2")).pattern("voice.transcribed"), r);
    Event root = warren.publish("voice.recorded", Map.of()).join();
    await().atMost(10, SECONDS).until(() -> r.events.size() == 1);
    Event child = r.events.get(0);
    assertThat(child.correlationId()).contains(root.id());
    assertThat(child.causationIds()).containsExactly(root.id());
  }

  @Test
  void existingQueueWithOtherSettingsGivesAClearError() {
    String sub = name("mismatch");
    Transport raw = rawTransport();
    raw.declareQueue(QueueSpec.durable(sub).withArgument(QueueSpec.MAX_LENGTH, 10));
    Warren warren = newWarren();
    assertThatThrownBy(() -> warren.subscribe(Subscription.named(sub).pattern("a.b"), e -> {}))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining(sub);
    // the instance is still usable after the refusal
    Recorder r = recorder();
    warren.subscribe(Subscription.named(name("fine")).pattern("a.b"), r);
    warren.publish("a.b", Map.of()).join();
    await().atMost(10, SECONDS).until(() -> r.events.size() == 1);
  }

  @Test
  void rejectsSubscriptionsWithoutPatterns() {
    Warren warren = newWarren();
    assertThatThrownBy(() -> warren.subscribe(Subscription.named(name("none")), e -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no pattern");
    assertThat(rawTransport().queueInfo(name("none"))).isEmpty();
  }

  @Test
  void queueDeclarationsAreIdempotent() {
    Subscription s = Subscription.named(name("idem")).pattern("a.*");
    Warren one = newWarren();
    one.subscribe(s, e -> {}).close();
    Warren two = newWarren();
    SubscriptionHandle again = two.subscribe(s, e -> {});
    assertThat(again.isActive()).isTrue();
    assertThat(rawTransport().queueInfo(again.queue()).orElseThrow().consumers()).isEqualTo(1);
  }

  @Test
  void consumersResumeAfterABrokerRestart() {
    Assumptions.assumeTrue(supportsBrokerRestart(), "no broker to restart");
    String sub = name("restart");
    Set<String> received = ConcurrentHashMap.newKeySet();
    Warren consumer =
        newWarren(options().toBuilder().publishTimeout(Duration.ofSeconds(60)).build());
    SubscriptionHandle handle =
        consumer.subscribe(Subscription.named(sub).pattern("tick.*"), e -> received.add(e.id()));
    Warren publisher =
        newWarren(options().toBuilder().publishTimeout(Duration.ofSeconds(60)).build());
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(publisher.publish("tick.before", Map.of("i", i)).join().id());
    }
    await().atMost(10, SECONDS).until(() -> received.containsAll(sent));

    restartBroker();

    List<CompletableFuture<Event>> after = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      after.add(publisher.publish("tick.after", Map.of("i", i)));
    }
    for (CompletableFuture<Event> f : after) {
      sent.add(f.join().id());
    }
    await().atMost(60, SECONDS).until(() -> received.containsAll(sent));
    await().atMost(30, SECONDS).until(handle::isActive);
    assertThat(consumer.isConnected()).isTrue();
  }

  /**
   * @param queue a queue
   * @return its ready messages, or empty when it does not exist
   */
  protected Optional<Long> depth(String queue) {
    return rawTransport().queueInfo(queue).map(i -> i.messages());
  }

  // ---------------------------------------------------------------- failure handling

  private static RetryPolicy fastRetries(int immediate, long... delaysMs) {
    RetryPolicy.Builder b = RetryPolicy.builder().immediateRetries(immediate).jitter(0);
    List<Duration> delays = new ArrayList<>();
    for (long d : delaysMs) {
      delays.add(Duration.ofMillis(d));
    }
    return b.delays(delays).build();
  }

  @Test
  void retriesImmediatelyThenAfterBrokerHeldDelaysThenDeadLetters() {
    String sub = name("retry");
    List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("spend.*").retry(fastRetries(1, 300, 600)),
        e -> {
          attemptTimes.add(System.nanoTime());
          throw new IllegalStateException("ledger locked");
        });
    warren.publish("spend.requested", Map.of("amount", 3)).join();
    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(20, SECONDS).until(() -> dlq.count() == 1);
    // (1 + 1 immediate) per delivery, 3 deliveries: first, after 300 ms, after 600 ms
    assertThat(attemptTimes).hasSize(6);
    long firstGap = attemptTimes.get(2) - attemptTimes.get(1);
    long secondGap = attemptTimes.get(4) - attemptTimes.get(3);
    assertThat(Duration.ofNanos(firstGap)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(Duration.ofNanos(secondGap)).isGreaterThanOrEqualTo(Duration.ofMillis(550));
    DeadLetter dead = dlq.peek(1).get(0);
    assertThat(dead.attempts()).isEqualTo(6);
    assertThat(dead.errorMessage()).isEqualTo("ledger locked");
    assertThat(dead.routingKey()).isEqualTo("spend.requested");
    assertThat(dead.firstFailure()).isBeforeOrEqualTo(dead.lastFailure());
    // nothing waits unacknowledged: the subscription queue is empty while the retries wait
    assertThat(rawTransport().queueInfo(sub).orElseThrow().messages()).isZero();
  }

  @Test
  void succeedsOnADelayedRetryWithTheAttemptCountInItsHeader() {
    String sub = name("recover");
    AtomicInteger calls = new AtomicInteger();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("img.*").retry(fastRetries(0, 200, 200)),
        e -> {
          if (calls.incrementAndGet() < 3) {
            throw new IllegalStateException("provider busy");
          }
        });
    warren.publish("img.requested", Map.of()).join();
    await().atMost(15, SECONDS).until(() -> calls.get() == 3);
    assertThat(warren.deadLetters(sub).count()).isZero();
  }

  @Test
  void nonRetryableFailuresGoStraightToTheDeadLetterQueue() {
    String sub = name("nonretry");
    AtomicInteger calls = new AtomicInteger();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub)
            .pattern("order.*")
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(3)
                    .delays(Duration.ofMillis(100))
                    .nonRetryable(IllegalArgumentException.class)
                    .build()),
        e -> {
          calls.incrementAndGet();
          switch (e.type()) {
            case "order.bad" -> throw new IllegalArgumentException("negative quantity");
            case "order.marked" -> throw new NonRetryableException("unknown customer");
            default -> e.data(KeyChanged.class); // data of another shape: deserialization fails
          }
        });
    warren.publish("order.bad", Map.of()).join();
    warren.publish("order.marked", Map.of()).join();
    warren.publish("order.garbage", "not an object").join();
    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(10, SECONDS).until(() -> dlq.count() == 3);
    assertThat(calls.get()).isEqualTo(3);
    assertThat(dlq.peek(10).stream().map(DeadLetter::errorType))
        .containsExactly(
            IllegalArgumentException.class.getName(),
            NonRetryableException.class.getName(),
            InvalidInputException.class.getName());
  }

  @Test
  void deadLettersCanBePeekedReplayedAndPurged() {
    String sub = name("dlq");
    String other = name("other");
    Set<String> failing = ConcurrentHashMap.newKeySet();
    List<String> handled = new CopyOnWriteArrayList<>();
    Recorder otherRecorder = recorder();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("edge.*").retry(RetryPolicy.none()),
        e -> {
          if (failing.contains(e.subject().orElse(""))) {
            throw new IllegalStateException("neo4j down");
          }
          handled.add(e.id());
        });
    warren.subscribe(Subscription.named(other).pattern("edge.*"), otherRecorder);
    failing.addAll(List.of("a", "b", "c"));
    List<String> ids = new ArrayList<>();
    for (String s : List.of("a", "b", "c")) {
      ids.add(
          warren
              .publish(Event.builder("edge.created").subject(s).data(Map.of()).build())
              .join()
              .id());
    }
    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(10, SECONDS).until(() -> dlq.count() == 3);
    await().atMost(10, SECONDS).until(() -> otherRecorder.events.size() == 3);

    List<DeadLetter> peeked = dlq.peek(10);
    assertThat(peeked.stream().map(DeadLetter::id)).containsExactlyElementsOf(ids);
    assertThat(dlq.peek(2)).hasSize(2);
    // why: RabbitMQ may answer a count before the peek's requeues have landed
    await().atMost(10, SECONDS).until(() -> dlq.count() == 3);
    assertThat(peeked.get(0).event().subject()).contains("a");
    assertThat(peeked.get(0).errorMessage()).isEqualTo("neo4j down");
    assertThat(peeked.get(0).replays()).isZero();

    failing.clear();
    assertThat(dlq.replay(List.of(ids.get(1)))).isEqualTo(1);
    await().atMost(10, SECONDS).until(() -> handled.contains(ids.get(1)));
    await().atMost(10, SECONDS).until(() -> dlq.count() == 2);

    failing.add("a");
    assertThat(dlq.replay()).isEqualTo(2);
    await().atMost(10, SECONDS).until(() -> handled.contains(ids.get(2)) && dlq.count() == 1);
    DeadLetter again = dlq.peek(1).get(0);
    assertThat(again.id()).isEqualTo(ids.get(0));
    assertThat(again.replays()).isEqualTo(1);
    assertThat(again.attempts()).as("attempts reset on replay").isEqualTo(1);

    // a replay reaches only the subscription it failed in
    assertThat(otherRecorder.events).hasSize(3);
    assertThat(dlq.purge()).isEqualTo(1);
    assertThat(dlq.count()).isZero();
    assertThatThrownBy(() -> warren.deadLetters(name("nosuch")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void deduplicatesRedeliveriesAndDuplicatePublishes() {
    String sub = name("dedupe");
    AtomicInteger effects = new AtomicInteger();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(sub).pattern("pay.*").deduplicate(), e -> effects.incrementAndGet());
    Event once = Event.builder("pay.captured").data(Map.of("amount", 10)).build();
    warren.publish(once).join();
    warren.publish(once).join();
    warren.publish(once).join();
    warren.publish("pay.captured", Map.of("amount", 11)).join();
    Transport raw = rawTransport();
    await()
        .atMost(10, SECONDS)
        .until(() -> raw.queueInfo(sub).orElseThrow().messages() == 0 && effects.get() >= 2);
    // the last publish is a sentinel: FIFO means the duplicates were handled before it
    assertThat(effects.get()).isEqualTo(2);
  }

  @Test
  void concurrencyRunsHandlersInParallelAndSlowSubscriptionsDoNotBlockOthers()
      throws InterruptedException {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Recorder fast = recorder();
    Warren warren = newWarren();
    warren.subscribe(
        Subscription.named(name("slow")).pattern("job.*").concurrency(4).prefetch(8),
        e -> {
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          release.await();
          running.decrementAndGet();
        });
    warren.subscribe(Subscription.named(name("fast")).pattern("job.*"), fast);
    for (int i = 0; i < 8; i++) {
      warren.publish("job.run", Map.of("i", i)).join();
    }
    await().atMost(10, SECONDS).until(() -> maxRunning.get() == 4);
    await().atMost(10, SECONDS).until(() -> fast.events.size() == 8);
    release.countDown();
    await().atMost(10, SECONDS).until(() -> running.get() == 0);
    assertThat(maxRunning.get()).isEqualTo(4);
  }

  /** A spend request, ordered by its virtual key. */
  @EventType("virtual-key.spend-requested")
  public record SpendRequested(@PartitionKey String key, int seq) {}

  @Test
  void orderedSubscriptionsHandleEachKeyInOrderAcrossInstances() {
    String sub = name("ordered");
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    AtomicInteger failOnce = new AtomicInteger();
    EventHandler handler =
        e -> {
          SpendRequested s = e.data(SpendRequested.class);
          if (s.key().equals("k3") && s.seq() == 5 && failOnce.getAndIncrement() == 0) {
            throw new IllegalStateException("transient");
          }
          seen.computeIfAbsent(s.key(), k -> new CopyOnWriteArrayList<>()).add(s.seq());
        };
    Subscription ordered =
        Subscription.named(sub)
            .pattern("virtual-key.spend-requested")
            .partitions(4)
            .retry(fastRetries(0, 100));
    Warren one = newWarren();
    Warren two = newWarren();
    one.subscribe(ordered, handler);
    two.subscribe(ordered, handler);
    Warren publisher = newWarren();
    List<CompletableFuture<Event>> sent = new ArrayList<>();
    for (int seq = 0; seq < 30; seq++) {
      for (int k = 0; k < 10; k++) {
        sent.add(publisher.publish(new SpendRequested("k" + k, seq)));
      }
    }
    sent.forEach(CompletableFuture::join);
    assertThat(sent.get(0).join().partitionKey()).contains("k0");
    await()
        .atMost(30, SECONDS)
        .until(() -> seen.values().stream().mapToInt(List::size).sum() == 300);
    for (int k = 0; k < 10; k++) {
      List<Integer> expected = new ArrayList<>();
      for (int seq = 0; seq < 30; seq++) {
        expected.add(seq);
      }
      assertThat(seen.get("k" + k)).as("order of k" + k).isEqualTo(expected);
    }
    assertThat(failOnce.get()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void orderedPartitionsMoveToASurvivorWhenAnInstanceCloses() {
    String sub = name("failover");
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    EventHandler handler =
        e -> {
          SpendRequested s = e.data(SpendRequested.class);
          Thread.sleep(1);
          seen.computeIfAbsent(s.key(), k -> new CopyOnWriteArrayList<>()).add(s.seq());
        };
    Subscription ordered = Subscription.named(sub).pattern("virtual-key.*").partitions(4);
    Warren first = newWarren();
    first.subscribe(ordered, handler);
    Warren second = newWarren();
    second.subscribe(ordered, handler);
    Warren publisher = newWarren();
    for (int seq = 0; seq < 40; seq++) {
      for (int k = 0; k < 5; k++) {
        publisher.publish(new SpendRequested("k" + k, seq));
      }
      if (seq == 10) {
        await().atMost(10, SECONDS).until(() -> !seen.isEmpty());
        first.close();
      }
    }
    await()
        .atMost(30, SECONDS)
        .until(() -> seen.values().stream().mapToInt(List::size).sum() >= 200);
    for (List<Integer> seqs : seen.values()) {
      assertThat(seqs).as("no gaps, no reordering").isSorted();
      assertThat(Set.copyOf(seqs)).hasSize(40);
    }
  }

  // ------------------------------------------------------- the transport itself, on the wire

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param i the message's number, part of its id, headers and body
   * @return a message with every property set and headers of every type a header may have
   */
  public static Message sampleMessage(int i) {
    Map<String, Object> headers = new HashMap<>();
    headers.put("text", "value-" + i);
    headers.put("long", 10_000_000_000L + i);
    headers.put("int", i);
    headers.put("flag", i % 2 == 0);
    headers.put("ratio", 0.5);
    headers.put("bytes", new byte[] {1, 2, 3});
    headers.put("list", List.of("a", 1L));
    headers.put("table", Map.of("k", "v"));
    return new Message(
        "m-" + i,
        "order.created",
        "application/json",
        "c-" + i,
        "tests",
        Instant.ofEpochSecond(1_700_000_000L + i),
        600_000L,
        true,
        headers,
        utf8("{\"i\":" + i + "}"));
  }

  private static long messages(Transport t, String queue) {
    return t.queueInfo(queue).orElseThrow().messages();
  }

  /** Takes every ready message of a queue, acknowledged, and returns their ids in order. */
  private static List<String> drain(Transport t, String queue) {
    List<String> ids = new ArrayList<>();
    for (Optional<Delivery> d = t.get(queue); d.isPresent(); d = t.get(queue)) {
      d.get().ack();
      ids.add(d.get().message().messageId());
    }
    return ids;
  }

  @Test
  void browsingLeavesEveryKindOfQueueAsItWas() throws Exception {
    // why: RabbitMQ puts a returned message back at its original place in a classic queue; the
    // in-memory broker reads without taking
    Transport t = rawTransport();
    Map<String, QueueSpec> queues = new LinkedHashMap<>();
    queues.put("classic", QueueSpec.durable(name("browse-classic")));
    queues.put("quorum-limit", QueueSpec.durable(name("browse-ql")).asQuorum(20));
    queues.put("quorum", QueueSpec.durable(name("browse-q")).asQuorum(0));
    for (Map.Entry<String, QueueSpec> e : queues.entrySet()) {
      String queue = e.getValue().name();
      t.declareQueue(e.getValue());
      List<CompletableFuture<Void>> confirms = new ArrayList<>();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Message m = sampleMessage(i);
        sent.add(m.messageId());
        confirms.add(t.publish("", queue, m));
      }
      CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, SECONDS);

      boolean keepsOrder = e.getKey().equals("classic") || readingKeepsQuorumQueuesInOrder();
      List<String> expected = new ArrayList<>(sent);
      for (int limit : new int[] {1, 7, 50, 200, 3}) {
        List<String> seen =
            t.browse(queue, limit).stream().map(b -> b.message().messageId()).toList();
        if (keepsOrder) {
          assertThat(seen)
              .as("%s, %d read", e.getKey(), limit)
              .isEqualTo(sent.subList(0, Math.min(limit, sent.size())));
        } else {
          assertThat(seen).as("%s, %d read", e.getKey(), limit).hasSize(Math.min(limit, 50));
          assertThat(expected).as("%s, %d read", e.getKey(), limit).containsAll(seen);
        }
      }
      assertThat(t.browse(queue, 1).get(0).routingKey()).isEqualTo(queue);
      assertThatThrownBy(() -> t.browse(queue, 1).get(0).ack())
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> t.browse(queue, 0)).isInstanceOf(IllegalArgumentException.class);
      List<String> left = drain(t, queue);
      if (keepsOrder) {
        assertThat(left).as(e.getKey()).isEqualTo(sent);
      } else {
        assertThat(left).as(e.getKey()).containsExactlyInAnyOrderElementsOf(sent);
      }
    }
  }

  /**
   * Whether reading a quorum queue with {@link Transport#browse} keeps its order: RabbitMQ puts
   * returned messages back where it chooses.
   */
  protected boolean readingKeepsQuorumQueuesInOrder() {
    return true;
  }

  @Test
  void aPriorityQueueDeliversHigherPrioritiesFirstAndARejectedOneKeepsItsPlace() throws Exception {
    Transport t = rawTransport();
    String queue = name("prio");
    t.declareQueue(
        QueueSpec.durable(queue)
            .withArgument(QueueSpec.QUEUE_TYPE, "classic")
            .withArgument(QueueSpec.MAX_PRIORITY, 5));
    // why: 7 is above the queue's maximum and counts as 5; no priority counts as 0
    Integer[] priorities = {null, 2, 7, 5, 2, 0};
    for (int i = 0; i < priorities.length; i++) {
      t.publish(
              "",
              queue,
              new Message(
                  "p" + i,
                  "prio",
                  null,
                  null,
                  null,
                  "tests",
                  null,
                  null,
                  true,
                  Map.of(),
                  utf8("{}"),
                  null,
                  null,
                  priorities[i]))
          .get(10, SECONDS);
    }
    Delivery first = t.get(queue).orElseThrow();
    Delivery second = t.get(queue).orElseThrow();
    assertThat(first.message().messageId()).isEqualTo("p2");
    assertThat(second.message().messageId()).isEqualTo("p3");
    assertThat(second.message().priority()).isEqualTo(5);
    second.reject(true);
    first.ack();

    assertThat(drain(t, queue)).containsExactly("p3", "p1", "p4", "p0", "p5");
    assertThatThrownBy(
            () ->
                t.declareQueue(
                    QueueSpec.durable(name("prio-quorum"))
                        .asQuorum(0)
                        .withArgument(QueueSpec.MAX_PRIORITY, 5)))
        .isInstanceOf(dev.warren.WarrenException.class)
        .hasMessageContaining("x-max-priority");
  }

  @Test
  void aMessageComesBackWithItsPropertiesAndHeadersAsPlainJavaValues() throws Exception {
    Transport t = rawTransport();
    String queue = name("orders");
    t.declareQueue(QueueSpec.durable(queue));
    List<CompletableFuture<Void>> confirms = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      confirms.add(t.publish("", queue, sampleMessage(i)));
    }
    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, SECONDS);
    assertThat(messages(t, queue)).isEqualTo(1000);
    assertThat(t.purgeQueue(queue)).isEqualTo(1000);

    t.publish("", queue, sampleMessage(7)).get(10, SECONDS);
    Delivery d = t.get(queue).orElseThrow();
    d.ack();
    Message m = d.message();
    assertThat(m.withHeaders(Map.of()))
        .usingRecursiveComparison()
        .isEqualTo(sampleMessage(7).withHeaders(Map.of()));
    assertThat(m.headers())
        .containsEntry("text", "value-7")
        .containsEntry("long", 10_000_000_007L)
        .containsEntry("int", 7)
        .containsEntry("flag", false)
        .containsEntry("ratio", 0.5)
        .containsEntry("list", List.of("a", 1L))
        .containsEntry("table", Map.of("k", "v"));
    assertThat((byte[]) m.headers().get("bytes")).containsExactly(1, 2, 3);
    assertThat(d.exchange()).isEmpty();
    assertThat(d.routingKey()).isEqualTo(queue);
    assertThat(d.redelivered()).isFalse();
  }

  @Test
  void aNegativeConfirmFailsThePublishAndTheChannelGoesOn() throws Exception {
    Transport t = rawTransport();
    String bounded = name("bounded");
    t.declareQueue(
        QueueSpec.durable(bounded)
            .withArgument(QueueSpec.MAX_LENGTH, 1)
            .withArgument("x-overflow", "reject-publish"));
    t.publish("", bounded, sampleMessage(1)).get(10, SECONDS);
    assertThatThrownBy(() -> t.publish("", bounded, sampleMessage(2)).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PublishRejectedException.class)
        .hasMessageContaining("message m-2")
        .hasMessageContaining("'" + bounded + "'");
    assertThat(t.purgeQueue(bounded)).isEqualTo(1);
    t.publish("", bounded, sampleMessage(3)).get(10, SECONDS);
    assertThat(t.get(bounded).orElseThrow().message().messageId()).isEqualTo("m-3");
  }

  @Test
  void aFullRejectPublishQueueRefusesWhileTheOtherQueuesTakeTheMessage() throws Exception {
    Transport t = rawTransport();
    String exchange = name("fan");
    String full = name("full");
    String open = name("open");
    t.declareExchange(ExchangeSpec.durableTopic(exchange));
    t.declareQueue(
        QueueSpec.durable(full)
            .withArgument(QueueSpec.MAX_LENGTH, 2)
            .withArgument("x-overflow", "reject-publish"));
    t.declareQueue(QueueSpec.durable(open));
    t.bind(full, exchange, "job.#");
    t.bind(open, exchange, "job.#");
    // only ready messages count: the one the consumer holds unacknowledged does not
    List<Delivery> held = new CopyOnWriteArrayList<>();
    t.consume(full, 1, held::add);
    for (int i = 1; i <= 3; i++) {
      t.publish(exchange, "job.run", sampleMessage(i)).get(10, SECONDS);
    }
    await().atMost(10, SECONDS).until(() -> held.size() == 1);

    assertThatThrownBy(() -> t.publish(exchange, "job.run", sampleMessage(4)).get(10, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(PublishRejectedException.class)
        .hasMessageContaining("message m-4");
    assertThat(messages(t, full)).isEqualTo(2);
    assertThat(drain(t, open)).containsExactly("m-1", "m-2", "m-3", "m-4");

    // the consumer settles one: room again, in order
    held.get(0).ack();
    await().atMost(10, SECONDS).until(() -> held.size() == 2);
    t.publish(exchange, "job.run", sampleMessage(5)).get(10, SECONDS);
    assertThat(held.get(1).message().messageId()).isEqualTo("m-2");
    assertThat(messages(t, full)).isEqualTo(2);
  }

  @Test
  void rejectPublishDlxDeadLettersTheRefusedMessageAndStillRejectsThePublish() throws Exception {
    Transport t = rawTransport();
    String bounded = name("bounded");
    String dlq = name("bounded.dlq");
    t.declareQueue(QueueSpec.durable(dlq));
    t.declareQueue(
        QueueSpec.durable(bounded)
            .withArgument(QueueSpec.MAX_LENGTH, 1)
            .withArgument("x-overflow", "reject-publish-dlx")
            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, dlq));
    t.publish("", bounded, sampleMessage(1)).get(10, SECONDS);
    assertThatThrownBy(() -> t.publish("", bounded, sampleMessage(2)).get(10, SECONDS))
        .cause()
        .isInstanceOf(PublishRejectedException.class)
        .hasMessageContaining("message m-2");

    await().atMost(10, SECONDS).until(() -> messages(t, dlq) == 1);
    Delivery dead = t.get(dlq).orElseThrow();
    dead.ack();
    assertThat(dead.message().messageId()).isEqualTo("m-2");
    assertThat(dead.message().header("x-first-death-reason")).isEqualTo("maxlen");
    assertThat(dead.message().header("x-first-death-queue")).isEqualTo(bounded);
    assertThat(drain(t, bounded)).containsExactly("m-1");
  }

  @Test
  void dropHeadIsTheDefaultOverflowAndDeadLettersTheOldest() throws Exception {
    Transport t = rawTransport();
    String dlq = name("dropped");
    t.declareQueue(QueueSpec.durable(dlq));
    List<String> queues = List.of(name("default"), name("drop-head"));
    t.declareQueue(
        QueueSpec.durable(queues.get(0))
            .withArgument(QueueSpec.MAX_LENGTH, 2)
            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, dlq));
    t.declareQueue(
        QueueSpec.durable(queues.get(1))
            .withArgument(QueueSpec.MAX_LENGTH, 2)
            .withArgument("x-overflow", "drop-head"));
    for (String queue : queues) {
      for (int i = 1; i <= 3; i++) {
        t.publish("", queue, sampleMessage(i)).get(10, SECONDS);
      }
    }
    for (String queue : queues) {
      assertThat(drain(t, queue)).as(queue).containsExactly("m-2", "m-3");
    }
    await().atMost(10, SECONDS).until(() -> messages(t, dlq) == 1);
    Delivery dead = t.get(dlq).orElseThrow();
    assertThat(dead.message().messageId()).isEqualTo("m-1");
    assertThat(dead.message().header("x-first-death-reason")).isEqualTo("maxlen");
  }

  @Test
  void exchangeBindingsDeliverOncePerQueueThroughCyclesAndLongChains() throws Exception {
    Transport t = rawTransport();
    // a chain longer than any depth limit, closed into a cycle: e0 -> e1 -> ... -> e11 -> e0
    int n = 12;
    List<String> chain = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      chain.add(name("e" + i));
      t.declareExchange(ExchangeSpec.durableTopic(chain.get(i)));
    }
    for (int i = 0; i < n; i++) {
      t.bindExchange(chain.get((i + 1) % n), chain.get(i), "#");
    }
    // and a shortcut, so the end is reached by two paths
    t.bindExchange(chain.get(n - 1), chain.get(0), "audit.#");
    String end = name("end");
    String everywhere = name("everywhere");
    t.declareQueue(QueueSpec.durable(end));
    t.declareQueue(QueueSpec.durable(everywhere));
    t.bind(end, chain.get(n - 1), "#");
    for (String x : chain) {
      t.bind(everywhere, x, "#");
    }

    // m-1 reaches the end by the shortcut and by the chain, m-2 by the 11 hops of the chain only;
    // m-3 enters the cycle half way round
    t.publish(chain.get(0), "audit.login", sampleMessage(1)).get(10, SECONDS);
    t.publish(chain.get(0), "order.created", sampleMessage(2)).get(10, SECONDS);
    t.publish(chain.get(5), "order.created", sampleMessage(3)).get(10, SECONDS);

    assertThat(drain(t, end)).containsExactly("m-1", "m-2", "m-3");
    assertThat(drain(t, everywhere)).containsExactly("m-1", "m-2", "m-3");
  }

  @Test
  void expiredMessagesAreDeadLetteredWithoutTheirTimeToLive() throws Exception {
    Transport t = rawTransport();
    String waiting = name("wait");
    String ready = name("ready");
    t.declareQueue(QueueSpec.durable(ready));
    t.declareQueue(
        QueueSpec.durable(waiting)
            .withArgument(QueueSpec.MESSAGE_TTL, 200)
            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, ready));
    t.publish("", waiting, sampleMessage(1).withExpiration(100L)).get(10, SECONDS);
    t.publish("", waiting, sampleMessage(2).withExpiration(null)).get(10, SECONDS);
    await().atMost(10, SECONDS).until(() -> messages(t, ready) == 2);
    assertThat(messages(t, waiting)).isZero();
    Delivery first = t.get(ready).orElseThrow();
    assertThat(first.message().messageId()).isEqualTo("m-1");
    assertThat(first.message().expiration()).isNull();
    assertThat(first.message().header("x-first-death-reason")).isEqualTo("expired");
    assertThat(first.message().header("x-first-death-queue")).isEqualTo(waiting);
    assertThat(first.routingKey()).isEqualTo(ready);
  }

  @Test
  void publishingToAMissingExchangeFailsThatPublishOnly() throws Exception {
    Transport t = rawTransport();
    String fine = name("fine");
    t.declareQueue(QueueSpec.durable(fine));
    List<CompletableFuture<Void>> good = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      good.add(t.publish("", fine, sampleMessage(i)));
    }
    CompletableFuture<Void> bad = t.publish("no-such-exchange", "x", sampleMessage(-1));
    for (int i = 100; i < 200; i++) {
      good.add(t.publish("", fine, sampleMessage(i)));
    }
    assertThatThrownBy(() -> bad.get(10, SECONDS))
        .cause()
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("exchange 'no-such-exchange' does not exist");
    CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(10, SECONDS);
    // at least once: RabbitMQ publishes again what was unconfirmed when the channel went down
    assertThat(messages(t, fine)).isGreaterThanOrEqualTo(200);
    assertThat(t.isConnected()).isTrue();
  }

  @Test
  void aQueueDeclaredWithOtherArgumentsNamesTheQueueAndTheMismatch() throws Exception {
    Transport t = rawTransport();
    String work = name("work");
    String orders = name("orders");
    String events = name("events");
    t.declareQueue(QueueSpec.durable(work));
    List<Delivery> received = new CopyOnWriteArrayList<>();
    ConsumerHandle consumer =
        t.consume(
            work,
            10,
            d -> {
              received.add(d);
              d.ack();
            });
    t.declareQueue(QueueSpec.durable(orders).withArgument(QueueSpec.QUEUE_TYPE, "classic"));

    assertThatThrownBy(
            () ->
                t.declareQueue(
                    QueueSpec.durable(orders).withArgument(QueueSpec.QUEUE_TYPE, "quorum")))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageStartingWith("queue '" + orders + "' exists with other settings: ")
        .hasMessageContaining("inequivalent arg 'x-queue-type'")
        .hasMessageContaining("received 'quorum' but current is 'classic'");
    t.declareExchange(ExchangeSpec.durableTopic(events));
    assertThatThrownBy(
            () ->
                t.declareExchange(new ExchangeSpec(events, ExchangeSpec.ExchangeType.DIRECT, true)))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining("exchange '" + events + "' exists with other settings")
        .hasMessageContaining("inequivalent arg 'type'");

    // the refusals broke nothing: consuming and publishing go on
    assertThat(consumer.isActive()).isTrue();
    t.publish("", work, sampleMessage(1)).get(10, SECONDS);
    await().atMost(10, SECONDS).until(() -> received.size() == 1);
    t.declareQueue(QueueSpec.durable(orders).withArgument(QueueSpec.QUEUE_TYPE, "classic"));
  }

  @Test
  void bindingToAMissingQueueIsAClearError() {
    Transport t = rawTransport();
    String events = name("events");
    String missing = name("missing");
    String present = name("present");
    t.declareExchange(ExchangeSpec.durableTopic(events));
    assertThatThrownBy(() -> t.bind(missing, events, "#"))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("no queue '" + missing + "'");
    t.declareQueue(QueueSpec.durable(present));
    t.bind(present, events, "#");
    t.unbind(present, events, "#");
    t.unbind(present, events, "#");
    t.unbind(missing, name("nowhere"), "#");
  }

  @Test
  void getTakesOneMessageThatStaysUnackedUntilSettled() throws Exception {
    Transport t = rawTransport();
    String q = name("q");
    assertThat(t.queueInfo(q)).isEmpty();
    assertThatThrownBy(() -> t.purgeQueue(q))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("queue '" + q + "'")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> t.get(q))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("queue '" + q + "'");
    t.declareQueue(QueueSpec.durable(q));
    assertThat(t.get(q)).isEmpty();
    for (int i = 0; i < 3; i++) {
      t.publish("", q, sampleMessage(i)).get(10, SECONDS);
    }
    assertThat(messages(t, q)).isEqualTo(3);
    assertThat(t.queueInfo(q).orElseThrow().consumers()).isZero();

    Delivery first = t.get(q).orElseThrow();
    assertThat(first.message().messageId()).isEqualTo("m-0");
    assertThat(messages(t, q)).isEqualTo(2);
    first.reject(true);
    await().atMost(5, SECONDS).until(() -> messages(t, q) == 3);

    Delivery again = t.get(q).orElseThrow();
    assertThat(again.message().messageId()).isEqualTo("m-0");
    assertThat(again.redelivered()).isTrue();
    Delivery second = t.get(q).orElseThrow();
    assertThat(second.message().messageId()).isEqualTo("m-1");
    again.ack();
    again.ack();
    second.reject(false);
    await().atMost(5, SECONDS).until(() -> messages(t, q) == 1);

    t.publish("", q, sampleMessage(9)).get(10, SECONDS);
    assertThat(t.purgeQueue(q)).isEqualTo(2);
    assertThat(messages(t, q)).isZero();
    t.deleteQueue(q);
    t.deleteQueue(q);
    assertThat(t.queueInfo(q)).isEmpty();
  }

  @Test
  void cancellingStopsDeliveriesButHandedOverOnesCanStillBeAcked() throws Exception {
    Transport t = rawTransport();
    String jobs = name("jobs");
    t.declareQueue(QueueSpec.durable(jobs));
    List<Delivery> held = new CopyOnWriteArrayList<>();
    ConsumerHandle consumer = t.consume(jobs, 10, held::add);
    assertThat(consumer.isActive()).isTrue();
    for (int i = 0; i < 5; i++) {
      t.publish("", jobs, sampleMessage(i)).get(10, SECONDS);
    }
    await().atMost(10, SECONDS).until(() -> held.size() == 5);
    assertThat(t.queueInfo(jobs).orElseThrow().consumers()).isEqualTo(1);

    consumer.cancel();
    consumer.cancel();
    assertThat(consumer.isActive()).isFalse();
    t.publish("", jobs, sampleMessage(5)).get(10, SECONDS);
    for (Delivery d : held) {
      d.ack();
    }
    // the five acks counted, the sixth message was not handed over and is back in the queue
    await()
        .atMost(5, SECONDS)
        .until(
            () ->
                t.queueInfo(jobs).orElseThrow().consumers() == 0
                    && t.queueInfo(jobs).orElseThrow().messages() == 1);
    assertThat(held).hasSize(5);
    assertThat(t.get(jobs).orElseThrow().message().messageId()).isEqualTo("m-5");
  }

  @Test
  void cancellingHandsASingleActiveConsumerQueueOverInOrder() throws Exception {
    Transport t = rawTransport();
    String partition = name("partition");
    t.declareQueue(
        QueueSpec.durable(partition).withArgument(QueueSpec.SINGLE_ACTIVE_CONSUMER, true));
    List<Delivery> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    ConsumerHandle active = t.consume(partition, 3, first::add);
    t.consume(
        partition,
        3,
        d -> {
          second.add(d.message().messageId());
          d.ack();
        });
    for (int i = 0; i < 10; i++) {
      t.publish("", partition, sampleMessage(i)).get(10, SECONDS);
    }
    await().atMost(10, SECONDS).until(() -> first.size() == 3);
    // the first consumer finishes m-0, gives m-1 and m-2 back (last first), and stops
    active.cancel();
    first.get(0).ack();
    first.get(2).reject(true);
    first.get(1).reject(true);
    await().atMost(10, SECONDS).until(() -> second.size() == 9);
    assertThat(second)
        .containsExactly("m-1", "m-2", "m-3", "m-4", "m-5", "m-6", "m-7", "m-8", "m-9");
  }

  @Test
  void aHandlerThatThrowsLeavesTheDeliveryUnsettledAndTheConsumerRunning() throws Exception {
    Transport t = rawTransport();
    String flaky = name("flaky");
    t.declareQueue(QueueSpec.durable(flaky));
    List<String> seen = new CopyOnWriteArrayList<>();
    ConsumerHandle consumer =
        t.consume(
            flaky,
            10,
            d -> {
              seen.add(d.message().messageId());
              if (seen.size() == 1) {
                throw new IllegalStateException("boom");
              }
              d.ack();
            });
    t.publish("", flaky, sampleMessage(1)).get(10, SECONDS);
    t.publish("", flaky, sampleMessage(2)).get(10, SECONDS);
    await().atMost(10, SECONDS).until(() -> seen.size() == 2);
    assertThat(consumer.isActive()).isTrue();
    // the unsettled delivery comes back when its connection closes
    t.close();
    Transport other = rawTransport();
    await().atMost(10, SECONDS).until(() -> messages(other, flaky) == 1);
    assertThat(other.get(flaky).orElseThrow().redelivered()).isTrue();
  }

  @Test
  void consistentHashExchangeSpreadsByTheHashHeader() throws Exception {
    Transport t = rawTransport();
    String partitions = name("partitions");
    t.declareExchange(
        new ExchangeSpec(
            partitions,
            ExchangeSpec.ExchangeType.CONSISTENT_HASH,
            true,
            Map.of(ExchangeSpec.HASH_HEADER, "key")));
    for (int p = 0; p < 2; p++) {
      t.declareQueue(QueueSpec.durable(name("p" + p)));
      t.bind(name("p" + p), partitions, "1");
    }
    for (int i = 0; i < 100; i++) {
      t.publish(partitions, "ignored", Message.of(new byte[0], Map.of("key", "k" + i)))
          .get(10, SECONDS);
    }
    long p0 = messages(t, name("p0"));
    long p1 = messages(t, name("p1"));
    assertThat(p0 + p1).isEqualTo(100);
    assertThat(p0).isPositive();
    assertThat(p1).isPositive();
  }

  @Test
  void aClosedTransportClosesOnceAndRefusesWork() throws Exception {
    Transport t = rawTransport();
    String q = name("q");
    assertThat(t.isConnected()).isTrue();
    t.declareQueue(QueueSpec.durable(q));
    CompletableFuture<Void> last = t.publish("", q, sampleMessage(1));
    t.close();
    assertThat(last).isCompleted();
    assertThat(last.isCompletedExceptionally()).isFalse();
    t.close();
    assertThat(t.isConnected()).isFalse();
    assertThatThrownBy(() -> t.publish("", q, sampleMessage(2)).join())
        .cause()
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> t.declareQueue(QueueSpec.durable(name("r"))))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("closed");
    assertThat(messages(rawTransport(), q)).isEqualTo(1);
  }

  // ------------------------------------------------------------------ quorum queues

  /** A quorum queue that dead-letters to {@code dlq}, as Warren declares its consumed queues. */
  private static QueueSpec deadLettering(String queue, String dlq, int deliveryLimit) {
    return QueueSpec.durable(queue)
        .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
        .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, dlq)
        .asQuorum(deliveryLimit);
  }

  /** A quorum queue's delivery count; RabbitMQ leaves the header out of a first delivery. */
  private static long deliveryCount(Delivery d) {
    Object count = d.message().headers().get(QueueSpec.DELIVERY_COUNT_HEADER);
    return count == null ? 0 : ((Number) count).longValue();
  }

  @Test
  void quorumQueueDeadLettersAMessageReturnedMoreOftenThanItsDeliveryLimit() throws Exception {
    Transport t = rawTransport();
    assertThat(t.supportsQuorumQueues()).isTrue();
    String poison = name("poison");
    String dlq = name("poison.dlq");
    t.declareQueue(QueueSpec.durable(dlq));
    QueueSpec spec = deadLettering(poison, dlq, 2);
    assertThat(spec.arguments())
        .containsEntry(QueueSpec.QUEUE_TYPE, "quorum")
        .containsEntry(QueueSpec.DEAD_LETTER_STRATEGY, "at-least-once")
        .containsEntry(QueueSpec.OVERFLOW, "reject-publish")
        .containsEntry(QueueSpec.DELIVERY_LIMIT, 2);
    t.declareQueue(spec);
    // declaring it again with the same arguments is accepted, with another limit it is not
    t.declareQueue(spec);
    assertThatThrownBy(() -> t.declareQueue(deadLettering(poison, dlq, 3)))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining("x-delivery-limit");

    List<Long> counts = new CopyOnWriteArrayList<>();
    List<Boolean> redelivered = new CopyOnWriteArrayList<>();
    t.consume(
        poison,
        1,
        d -> {
          counts.add(deliveryCount(d));
          redelivered.add(d.redelivered());
          d.reject(true);
        });
    t.publish("", poison, sampleMessage(1)).get(10, SECONDS);

    await().atMost(10, SECONDS).until(() -> messages(t, dlq) == 1);
    // delivered once, returned twice (the limit), the third return dead-letters it
    assertThat(counts).containsExactly(0L, 1L, 2L);
    assertThat(redelivered).containsExactly(false, true, true);
    Delivery dead = t.get(dlq).orElseThrow();
    dead.ack();
    assertThat(dead.message().messageId()).isEqualTo("m-1");
    assertThat(dead.message().header("x-first-death-reason")).isEqualTo("delivery_limit");
    assertThat(dead.message().header("x-first-death-queue")).isEqualTo(poison);
    assertThat(messages(t, poison)).isZero();
  }

  @Test
  void aConsumerThatDiesWithAQuorumDeliveryCountsAsAReturn() throws Exception {
    Transport t = rawTransport();
    String work = name("work");
    String dlq = name("work.dlq");
    t.declareQueue(QueueSpec.durable(dlq));
    t.declareQueue(deadLettering(work, dlq, 1));
    t.publish("", work, sampleMessage(7)).get(10, SECONDS);

    // two processes in turn take the message and die before settling it (a handler that crashes
    // its process); the second death is one return more than the limit
    List<Long> counts = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 2; i++) {
      Transport crashing = connect(options());
      open.add(crashing);
      CountDownLatch got = new CountDownLatch(1);
      crashing.consume(
          work,
          1,
          d -> {
            counts.add(deliveryCount(d));
            got.countDown();
          });
      assertThat(got.await(10, SECONDS)).isTrue();
      crashing.close();
    }
    await().atMost(10, SECONDS).until(() -> messages(t, dlq) == 1);
    assertThat(counts).containsExactly(0L, 1L);
    Delivery dead = t.get(dlq).orElseThrow();
    dead.ack();
    assertThat(dead.message().messageId()).isEqualTo("m-7");
    assertThat(dead.message().header("x-first-death-reason")).isEqualTo("delivery_limit");
  }

  @Test
  void quorumWaitQueueDeadLettersExpiredMessagesBackToTheirTarget() throws Exception {
    Transport t = rawTransport();
    String target = name("target");
    String wait = name("target.wait.128ms");
    t.declareQueue(QueueSpec.durable(target).asQuorum(0));
    t.declareQueue(deadLettering(wait, target, 0));
    t.publish("", wait, sampleMessage(3).withExpiration(128L)).get(10, SECONDS);

    await().atMost(10, SECONDS).until(() -> messages(t, target) == 1);
    Delivery back = t.get(target).orElseThrow();
    back.ack();
    assertThat(back.message().messageId()).isEqualTo("m-3");
    assertThat(back.message().header("x-first-death-reason")).isEqualTo("expired");
    assertThat(back.message().header("x-first-death-queue")).isEqualTo(wait);
    // why: the broker removes the per-message TTL when it dead-letters, so it cannot expire again
    assertThat(back.message().expiration()).isNull();
    assertThat(messages(t, wait)).isZero();
  }

  @Test
  void quorumQueuesAreDurableNotExclusiveNotAutoDelete() {
    Transport t = rawTransport();
    Map<String, Object> quorum = Map.of(QueueSpec.QUEUE_TYPE, "quorum");
    assertThatThrownBy(() -> t.declareQueue(new QueueSpec(name("q1"), true, false, true, quorum)))
        .isInstanceOf(WarrenException.class)
        .isNotInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining("auto-delete");
    assertThatThrownBy(() -> t.declareQueue(new QueueSpec(name("q2"), false, false, false, quorum)))
        .isInstanceOf(WarrenException.class)
        .isNotInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining("non-durable");
    assertThatThrownBy(() -> QueueSpec.durable(name("q3")).withDurable(false).asQuorum(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cannot be a quorum queue");
    // the refusals left nothing behind
    assertThat(t.queueInfo(name("q1"))).isEmpty();
    assertThat(t.queueInfo(name("q2"))).isEmpty();
  }

  @Test
  void durableSubscriptionQueuesAreQuorumQueuesWithTheirArguments() throws Exception {
    Warren warren = newWarren();
    String sub = name("quorum-orders");
    Recorder r = recorder();
    warren.subscribe(Subscription.named(sub).pattern("qorder.*"), r);
    warren.publish("qorder.placed", Map.of("n", 1)).join();
    await().atMost(10, SECONDS).until(() -> r.events.size() == 1);

    // a declaration with the same arguments is accepted, with another type it is not
    Transport t = rawTransport();
    t.declareQueue(deadLettering(sub, sub + ".dlq", 20));
    t.declareQueue(QueueSpec.durable(sub + ".dlq").asQuorum(0));
    assertThatThrownBy(
            () ->
                t.declareQueue(
                    QueueSpec.durable(sub)
                        .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
                        .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, sub + ".dlq")
                        .withArgument(QueueSpec.QUEUE_TYPE, "classic")))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining("inequivalent arg 'x-");

    // a broadcast queue of one instance stays classic: it expires with its instance
    String each = name("quorum-each");
    warren.subscribe(Subscription.named(each).pattern("qorder.*").broadcast(), recorder());
    assertThat(t.listQueues())
        .filteredOn(q -> q.name().startsWith(each + ".") && !q.name().endsWith(".dlq"))
        .singleElement()
        .satisfies(q -> assertThat(q.arguments()).containsEntry(QueueSpec.QUEUE_TYPE, "classic"));
    // its dead-letter queue is shared by every instance, and lasting: a quorum queue
    t.declareQueue(QueueSpec.durable(each + ".dlq").asQuorum(0));
  }

  @Test
  void anExistingClassicSubscriptionQueueKeepsWorkingAsItIs() throws Exception {
    Transport t = rawTransport();
    String sub = name("classic-orders");
    // the queues as Warren declared them before quorum queues were the default
    QueueSpec dlq = QueueSpec.durable(sub + ".dlq").withArgument(QueueSpec.QUEUE_TYPE, "classic");
    QueueSpec classic =
        QueueSpec.durable(sub)
            .withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
            .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, sub + ".dlq")
            .withArgument(QueueSpec.QUEUE_TYPE, "classic");
    t.declareQueue(dlq);
    t.declareQueue(classic);

    Warren warren = newWarren();
    Recorder r = recorder();
    warren.subscribe(Subscription.named(sub).pattern("corder.*"), r);
    warren.publish("corder.placed", Map.of("n", 1)).join();
    await().atMost(10, SECONDS).until(() -> r.events.size() == 1);

    // still the classic queue: never re-declared into a refusal
    t.declareQueue(classic);
    t.declareQueue(dlq);
    assertThatThrownBy(() -> t.declareQueue(deadLettering(sub, sub + ".dlq", 20)))
        .isInstanceOf(TopologyMismatchException.class);
  }

  @Test
  void aPoisonEventThatKillsEveryInstanceIsDeadLetteredAtTheDeliveryLimit() throws Exception {
    String sub = name("poison-events");
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger handled = new AtomicInteger();
    WarrenOptions limitOne =
        baseOptions()
            .exchange(prefix + ".events")
            .shutdownTimeout(Duration.ofMillis(500))
            .deliveryLimit(1)
            .build();
    try {
      // each instance takes the event and dies with it: the limit 1 allows one return
      for (int i = 0; i < 2; i++) {
        WarrenOptions o = limitOne.toBuilder().instanceId("crash" + i).build();
        Transport connection = connect(o);
        Warren w = WarrenOnTransport.start(o, connection);
        open.add(w);
        int before = handled.get();
        w.subscribe(
            Subscription.named(sub).pattern("pill.*"),
            e -> {
              handled.incrementAndGet();
              never.await();
            });
        if (i == 0) {
          w.publish("pill.swallowed", Map.of("n", 1)).join();
        }
        await().atMost(10, SECONDS).until(() -> handled.get() == before + 1);
        // the process dies: its connection goes, the event unsettled
        connection.close();
      }
      Transport t = rawTransport();
      await().atMost(10, SECONDS).until(() -> messages(t, sub + ".dlq") == 1);
      Delivery dead = t.get(sub + ".dlq").orElseThrow();
      dead.reject(true);
      assertThat(dead.message().header("x-first-death-reason")).isEqualTo("delivery_limit");
      assertThat(dead.message().header("x-first-death-queue")).isEqualTo(sub);
      assertThat(messages(t, sub)).isZero();
      assertThat(handled.get()).isEqualTo(2);
      // the dead letter says why, though no handler failed with an exception
      Warren reader = newWarren(limitOne.toBuilder().instanceId("reader").build());
      DeadLetter letter = reader.deadLetters(sub).peek(1).get(0);
      assertThat(letter.errorMessage())
          .contains("dead-lettered by the broker from queue '" + sub + "'")
          .contains("delivery limit");
      assertThat(letter.event().type()).isEqualTo("pill.swallowed");
    } finally {
      never.countDown();
    }
  }
}
