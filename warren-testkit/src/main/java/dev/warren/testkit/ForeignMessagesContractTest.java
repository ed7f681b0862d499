package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenOnTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Warren does with messages it did not publish, sent the way a plain AMQP client (pika, the
 * CloudEvents SDKs) would: nothing is dropped or "corrected". A message without an id gets one
 * derived id everywhere; a retry keeps the type and id it arrived with; a message with an unknown
 * spec version, an unreadable time, or on a task queue without being a task is dead-lettered with
 * the reason, and can be replayed. Subclass it once per transport and implement {@link #connect}.
 */
@Timeout(value = 120, unit = SECONDS)
public abstract class ForeignMessagesContractTest {
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** A name unique to this test, for exchanges, subscriptions and queues. */
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
    prefix = "f" + UUID.randomUUID().toString().substring(0, 8);
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
   * @return the name of this test's topic exchange
   */
  protected String exchange() {
    return prefix + ".events";
  }

  /**
   * @return a new Warren instance on a new connection, closed after the test
   */
  protected Warren newWarren() {
    WarrenOptions options =
        baseOptions()
            .exchange(exchange())
            .instanceId(UUID.randomUUID().toString().substring(0, 8))
            .shutdownTimeout(Duration.ofSeconds(5))
            .build();
    Warren w = WarrenOnTransport.start(options, connect(options));
    open.add(w);
    return w;
  }

  /**
   * Publishes a message as a client that knows nothing of Warren would. Subclasses on a real broker
   * may override it to use that broker's own client.
   *
   * @param exchange the exchange, {@code ""} for the default one
   * @param routingKey the routing key
   * @param message the message
   */
  protected void publishForeign(String exchange, String routingKey, Message message) {
    WarrenOptions options = baseOptions().build();
    try (Transport t = connect(options)) {
      t.publish(exchange, routingKey, message).get(10, SECONDS);
    } catch (Exception e) {
      throw new AssertionError("publishing a foreign message failed", e);
    }
  }

  /**
   * @param suffix a name
   * @return a subscription or queue name unique to this test
   */
  protected String name(String suffix) {
    return prefix + "-" + suffix;
  }

  /**
   * @param body the body
   * @param headers the headers
   * @return a plain AMQP message: no {@code message_id}, no {@code type}, no CloudEvents headers
   *     unless given
   */
  protected static Message plain(String body, Map<String, Object> headers) {
    return new Message(
        null,
        null,
        "application/json",
        null,
        null,
        null,
        null,
        true,
        headers,
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> cloudEvent(String id, String type) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("cloudEvents_specversion", "1.0");
    h.put("cloudEvents_id", id);
    h.put("cloudEvents_source", "/tester");
    h.put("cloudEvents_type", type);
    return h;
  }

  private static RetryPolicy oneDelayedRetry() {
    return RetryPolicy.builder()
        .immediateRetries(1)
        .jitter(0)
        .delays(Duration.ofMillis(100), Duration.ofMillis(100))
        .build();
  }

  // ------------------------------------------------------------------ ids and types of foreign

  @Test
  void aMessageWithoutAnIdHasOneIdInEverySubscriptionAndAttemptAndKeepsItsType() {
    Warren warren = newWarren();
    List<Event> first = new CopyOnWriteArrayList<>();
    List<Event> second = new CopyOnWriteArrayList<>();
    String failing = name("failing");
    // fails its first run and its immediate retry, then once more after a delayed retry
    warren.subscribe(
        Subscription.named(failing).pattern("orders.*").retry(oneDelayedRetry()),
        e -> {
          first.add(e);
          if (first.size() <= 3) {
            throw new IllegalStateException("not yet, attempt " + first.size());
          }
        });
    warren.subscribe(Subscription.named(name("plain")).pattern("orders.*"), second::add);

    publishForeign(exchange(), "orders.created", plain("{\"order\":7}", Map.of()));

    await().atMost(30, SECONDS).until(() -> first.size() == 4 && second.size() == 1);
    String id = second.get(0).id();
    assertThat(id).isNotBlank();
    assertThat(first).extracting(Event::id).containsOnly(id);
    assertThat(first).extracting(Event::type).containsOnly("orders.created");
    assertThat(second.get(0).type()).isEqualTo("orders.created");
    assertThat(first).extracting(Event::dataAsString).containsOnly("{\"order\":7}");
    assertThat(warren.deadLetters(failing).count()).isZero();
  }

  @Test
  void aDeadLetterOfAForeignMessageKeepsItsTypeAndIdAndIsReplayedUnderThatId() {
    Warren warren = newWarren();
    String sub = name("always-failing");
    List<Event> seen = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named(sub)
            .pattern("orders.*")
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(0)
                    .jitter(0)
                    .delays(Duration.ofMillis(50))
                    .build()),
        e -> {
          seen.add(e);
          throw new IllegalStateException("never");
        });

    publishForeign(exchange(), "orders.paid", plain("{\"order\":8}", Map.of()));

    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(30, SECONDS).until(() -> dlq.count() == 1);
    DeadLetter dead = dlq.peek(1).get(0);
    assertThat(seen).hasSize(2).extracting(Event::id).containsOnly(dead.id());
    assertThat(seen).extracting(Event::type).containsOnly("orders.paid");
    assertThat(dead.event()).isNotNull();
    assertThat(dead.event().type()).isEqualTo("orders.paid");
    assertThat(dead.routingKey()).isEqualTo("orders.paid");
    assertThat(dead.errorMessage()).isEqualTo("never");

    assertThat(dlq.replay(List.of(dead.id()))).isEqualTo(1);
    await().atMost(30, SECONDS).until(() -> seen.size() == 4 && dlq.count() == 1);
    assertThat(seen).extracting(Event::id).containsOnly(dead.id());
    assertThat(seen).extracting(Event::type).containsOnly("orders.paid");
    assertThat(dlq.peek(1).get(0).replays()).isEqualTo(1);
  }

  @Test
  void aForeignMessageTheBrokerDeadLetteredKeepsItsTypeInTheDeadLetterAndOnReplay()
      throws Exception {
    Warren warren = newWarren();
    String sub = name("broker-dead");
    List<Event> seen = new CopyOnWriteArrayList<>();
    warren.subscribe(Subscription.named(sub).pattern("stock.*"), seen::add).close();
    publishForeign(exchange(), "stock.counted", plain("{\"sku\":1}", Map.of()));

    // a consumer rejects it without requeueing: the queue's dead-letter exchange moves it, with
    // only the broker's x-death record to say where it came from
    WarrenOptions options = baseOptions().build();
    try (Transport t = connect(options)) {
      await().atMost(30, SECONDS).until(() -> t.queueInfo(sub).orElseThrow().messages() == 1);
      t.get(sub).orElseThrow().reject(false);
    }
    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(30, SECONDS).until(() -> dlq.count() == 1);
    DeadLetter dead = dlq.peek(1).get(0);
    assertThat(dead.routingKey()).isEqualTo("stock.counted");
    assertThat(dead.event().type()).isEqualTo("stock.counted");

    warren.subscribe(Subscription.named(sub).pattern("stock.*"), seen::add);
    assertThat(dlq.replay(List.of(dead.id()))).isEqualTo(1);
    await().atMost(30, SECONDS).until(() -> seen.size() == 1);
    assertThat(seen.get(0).type()).isEqualTo("stock.counted");
    assertThat(seen.get(0).id()).isEqualTo(dead.id());
  }

  @Test
  void aRetryKeepsTheTypeAndIdPropertiesAPlainClientSent() {
    Warren warren = newWarren();
    List<Event> seen = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named(name("typed")).pattern("#").retry(oneDelayedRetry()),
        e -> {
          seen.add(e);
          if (seen.size() <= 2) {
            throw new IllegalStateException("not yet");
          }
        });
    Message m =
        new Message(
            "pika-42",
            "invoice.sent",
            "application/json",
            null,
            "billing",
            null,
            null,
            true,
            Map.of(),
            "{}".getBytes(StandardCharsets.UTF_8));

    publishForeign(exchange(), "billing.anything", m);

    await().atMost(30, SECONDS).until(() -> seen.size() == 3);
    assertThat(seen).extracting(Event::id).containsOnly("pika-42");
    assertThat(seen).extracting(Event::type).containsOnly("invoice.sent");
    assertThat(seen).extracting(Event::source).containsOnly("billing");
  }

  @Test
  void twoByteIdenticalMessagesWithoutIdsGetTheSameIdAndDifferentOnesDoNot() {
    Warren warren = newWarren();
    List<Event> seen = new CopyOnWriteArrayList<>();
    warren.subscribe(Subscription.named(name("same")).pattern("same.*"), seen::add);

    publishForeign(exchange(), "same.x", plain("{\"n\":1}", Map.of("tenant", "a")));
    publishForeign(exchange(), "same.x", plain("{\"n\":1}", Map.of("tenant", "a")));
    publishForeign(exchange(), "same.x", plain("{\"n\":2}", Map.of("tenant", "a")));
    publishForeign(exchange(), "same.x", plain("{\"n\":1}", Map.of("tenant", "b")));

    await().atMost(30, SECONDS).until(() -> seen.size() == 4);
    assertThat(seen.get(0).id()).isEqualTo(seen.get(1).id());
    assertThat(seen.get(2).id()).isNotEqualTo(seen.get(0).id());
    assertThat(seen.get(3).id()).isNotEqualTo(seen.get(0).id()).isNotEqualTo(seen.get(2).id());
  }

  @Test
  void anOrderedSubscriptionReceivesForeignMessagesThatHaveNoPartitionHeader() {
    Warren warren = newWarren();
    List<Event> seen = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named(name("ordered")).pattern("ledger.*").ordered().partitions(4), seen::add);

    for (int i = 0; i < 5; i++) {
      publishForeign(exchange(), "ledger.entry", plain("{\"n\":" + i + "}", Map.of()));
    }

    await().atMost(30, SECONDS).until(() -> seen.size() == 5);
    assertThat(seen)
        .extracting(Event::dataAsString)
        .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
  }

  // ------------------------------------------------------------------ malformed CloudEvents

  @Test
  void anUnknownSpecVersionIsDeadLetteredWithTheReasonNotReadAsOneDotZero() {
    Warren warren = newWarren();
    String sub = name("spec");
    AtomicInteger handled = new AtomicInteger();
    warren.subscribe(Subscription.named(sub).pattern("spec.*"), e -> handled.incrementAndGet());
    Map<String, Object> h = cloudEvent("ce-99", "spec.changed");
    h.put("cloudEvents_specversion", "9.9");

    publishForeign(exchange(), "spec.changed", plain("{}", h));

    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(30, SECONDS).until(() -> dlq.count() == 1);
    DeadLetter dead = dlq.peek(1).get(0);
    assertThat(handled).hasValue(0);
    assertThat(dead.id()).isEqualTo("ce-99");
    assertThat(dead.event()).isNull();
    assertThat(dead.errorType()).isEqualTo("dev.warren.InvalidInputException");
    assertThat(dead.errorMessage()).contains("specversion").contains("'9.9'");
    assertThat(warren.admin().deadLetters(sub).peek(1).get(0).errorMessage()).contains("'9.9'");

    // replayed unchanged, it is refused again for the same reason
    assertThat(dlq.replay(List.of("ce-99"))).isEqualTo(1);
    await().atMost(30, SECONDS).until(() -> dlq.count() == 1 && dlq.peek(1).get(0).replays() == 1);
    assertThat(dlq.peek(1).get(0).errorMessage()).contains("'9.9'");
    assertThat(handled).hasValue(0);
  }

  @Test
  void anUnparseableTimeIsDeadLetteredWithTheReasonNotReplacedByTheReceiveTime() {
    Warren warren = newWarren();
    String sub = name("time");
    AtomicInteger handled = new AtomicInteger();
    warren.subscribe(Subscription.named(sub).pattern("time.*"), e -> handled.incrementAndGet());
    Map<String, Object> h = cloudEvent("ce-time", "time.changed");
    h.put("cloudEvents_time", "yesterday at noon");

    publishForeign(exchange(), "time.changed", plain("{}", h));

    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(30, SECONDS).until(() -> dlq.count() == 1);
    DeadLetter dead = dlq.peek(1).get(0);
    assertThat(handled).hasValue(0);
    assertThat(dead.id()).isEqualTo("ce-time");
    assertThat(dead.errorMessage()).contains("time").contains("'yesterday at noon'");
  }

  @Test
  void aValidTimeIsKeptAndAMissingOneIsTheAmqpTimestamp() {
    Warren warren = newWarren();
    List<Event> seen = new CopyOnWriteArrayList<>();
    warren.subscribe(Subscription.named(name("times")).pattern("when.*"), seen::add);
    Map<String, Object> h = cloudEvent("ce-when", "when.set");
    h.put("cloudEvents_time", "2026-01-02T03:04:05.678+01:00");
    publishForeign(exchange(), "when.set", plain("{}", h));
    Instant stamped = Instant.parse("2025-05-06T07:08:09Z");
    publishForeign(
        exchange(),
        "when.stamped",
        new Message("stamped", null, null, null, null, stamped, null, true, Map.of(), new byte[0]));

    await().atMost(30, SECONDS).until(() -> seen.size() == 2);
    Event withTime = seen.stream().filter(e -> e.id().equals("ce-when")).findFirst().orElseThrow();
    Event stampedEvent =
        seen.stream().filter(e -> e.id().equals("stamped")).findFirst().orElseThrow();
    assertThat(withTime.time()).isEqualTo(Instant.parse("2026-01-02T02:04:05.678Z"));
    assertThat(stampedEvent.time()).isEqualTo(stamped);
  }

  @Test
  void anAttributeHeaderWarrenCannotCarryIsDeadLetteredRatherThanLeftOut() {
    Warren warren = newWarren();
    String sub = name("attr");
    AtomicInteger handled = new AtomicInteger();
    warren.subscribe(Subscription.named(sub).pattern("attr.*"), e -> handled.incrementAndGet());
    Map<String, Object> h = cloudEvent("ce-attr", "attr.set");
    h.put("cloudEvents_Not-An-Attribute", "x");

    publishForeign(exchange(), "attr.set", plain("{}", h));

    DeadLetters dlq = warren.deadLetters(sub);
    await().atMost(30, SECONDS).until(() -> dlq.count() == 1);
    assertThat(handled).hasValue(0);
    assertThat(dlq.peek(1).get(0).errorMessage()).contains("cloudEvents_Not-An-Attribute");
  }

  // ------------------------------------------------------------------ task queues

  @Test
  void aMessageOnATaskQueueThatIsNoTaskIsDeadLetteredWithTheReasonAndReplayable() {
    Warren warren = newWarren();
    String queue = name("tasks");
    AtomicInteger ran = new AtomicInteger();
    warren.tasks().register(name("job"), queue, ctx -> ran.incrementAndGet());

    // not JSON at all, and JSON that is no task (the reader ignores unknown fields)
    publishForeign("", queue, plain("hello from pika", Map.of()));
    publishForeign("", queue, plain("{\"hello\":1}", Map.of()));

    await()
        .atMost(30, SECONDS)
        .ignoreExceptions()
        .until(() -> warren.deadLetters(queue).count() == 2);
    DeadLetters dlq = warren.deadLetters(queue);
    List<DeadLetter> dead = dlq.peek(2);
    assertThat(dead)
        .allSatisfy(
            d -> {
              assertThat(d.errorType()).isEqualTo("dev.warren.InvalidInputException");
              assertThat(d.errorMessage()).contains("not a Warren task");
              assertThat(d.id()).isNotBlank();
            });
    // why: by content, not position: workers run tasks concurrently, so either may die first
    assertThat(dead).anySatisfy(d -> assertThat(d.errorMessage()).contains("no 'id'"));
    assertThat(dead).anySatisfy(d -> assertThat(d.errorMessage()).contains("'hello'"));
    assertThat(warren.admin().deadLetters(queue).count()).isEqualTo(2);
    assertThat(ran).hasValue(0);

    // replayed unchanged to the task queue, it comes back to the dead-letter queue
    assertThat(dlq.replay(List.of(dead.get(0).id()))).isEqualTo(1);
    await()
        .atMost(30, SECONDS)
        .until(() -> dlq.count() == 2 && dlq.peek(2).stream().anyMatch(d -> d.replays() == 1));
    assertThat(ran).hasValue(0);
    // the queue's tasks still run
    assertThat(
            warren
                .tasks()
                .submit(
                    name("job"), null, dev.warren.tasks.TaskOptions.builder().queue(queue).build())
                .await(Duration.ofSeconds(30))
                .state())
        .isEqualTo(dev.warren.tasks.TaskState.SUCCESS);
  }
}
