package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import dev.warren.PublishRejectedException;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The RabbitMQ transport against a real broker, each test on a virtual host of its own. */
@Timeout(value = 60, unit = SECONDS)
class RabbitMqTransportTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(open);
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private RabbitMqTransport connect() {
    return connect(b -> b);
  }

  private RabbitMqTransport connect(UnaryOperator<WarrenOptions.Builder> options) {
    RabbitMqTransport t = RabbitMqTransport.connect(options.apply(broker.options()).build());
    open.add(t);
    return t;
  }

  private RawAmqp raw() throws Exception {
    RawAmqp r = new RawAmqp(broker.uri());
    open.add(r);
    return r;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Message message(int i) {
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

  @Test
  void everyPublishIsConfirmedAndArrivesWithItsPropertiesAndHeaders() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("orders"));
    List<CompletableFuture<Void>> confirms = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      confirms.add(t.publish("", "orders", message(i)));
    }
    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, SECONDS);
    assertThat(t.queueInfo("orders").orElseThrow().messages()).isEqualTo(1000);

    List<GetResponse> got = raw().drain("orders");
    assertThat(got).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      AMQP.BasicProperties p = got.get(i).getProps();
      assertThat(p.getMessageId()).isEqualTo("m-" + i);
      assertThat(p.getType()).isEqualTo("order.created");
      assertThat(p.getContentType()).isEqualTo("application/json");
      assertThat(p.getCorrelationId()).isEqualTo("c-" + i);
      assertThat(p.getAppId()).isEqualTo("tests");
      assertThat(p.getTimestamp().toInstant()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L + i));
      assertThat(p.getExpiration()).isEqualTo("600000");
      assertThat(p.getDeliveryMode()).isEqualTo(2);
      Map<String, Object> h = p.getHeaders();
      assertThat(h.get("text")).isInstanceOf(LongString.class).hasToString("value-" + i);
      assertThat(h.get("long")).isEqualTo(10_000_000_000L + i);
      assertThat(h.get("int")).isEqualTo(i);
      assertThat(h.get("flag")).isEqualTo(i % 2 == 0);
      assertThat(h.get("ratio")).isEqualTo(0.5);
      assertThat((byte[]) h.get("bytes")).containsExactly(1, 2, 3);
      assertThat(h.get("list").toString()).isEqualTo("[a, 1]");
      assertThat(h.get("table").toString()).isEqualTo("{k=v}");
      assertThat(new String(got.get(i).getBody(), StandardCharsets.UTF_8))
          .isEqualTo("{\"i\":" + i + "}");
    }

    // and back through the transport: the same message, headers as plain Java values
    t.publish("", "orders", message(7)).get(10, SECONDS);
    Delivery d = t.get("orders").orElseThrow();
    d.ack();
    Message m = d.message();
    assertThat(m.withHeaders(Map.of()))
        .usingRecursiveComparison()
        .isEqualTo(message(7).withHeaders(Map.of()));
    assertThat(m.headers())
        .containsEntry("text", "value-7")
        .containsEntry("long", 10_000_000_007L)
        .containsEntry("int", 7)
        .containsEntry("list", List.of("a", 1L))
        .containsEntry("table", Map.of("k", "v"));
    assertThat(d.exchange()).isEmpty();
    assertThat(d.routingKey()).isEqualTo("orders");
    assertThat(d.redelivered()).isFalse();
  }

  @Test
  void aNegativeConfirmFailsThePublishAndTheChannelGoesOn() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(
        QueueSpec.durable("bounded")
            .withArgument(QueueSpec.MAX_LENGTH, 1)
            .withArgument("x-overflow", "reject-publish"));
    t.publish("", "bounded", message(1)).get(10, SECONDS);
    assertThatThrownBy(() -> t.publish("", "bounded", message(2)).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PublishRejectedException.class)
        .hasMessageContaining("message m-2")
        .hasMessageContaining("'bounded'");
    assertThat(t.purgeQueue("bounded")).isEqualTo(1);
    t.publish("", "bounded", message(3)).get(10, SECONDS);
    assertThat(t.get("bounded").orElseThrow().message().messageId()).isEqualTo("m-3");
  }

  @Test
  void publishingToAMissingExchangeFailsThatPublishOnly() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("fine"));
    List<CompletableFuture<Void>> good = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      good.add(t.publish("", "fine", message(i)));
    }
    CompletableFuture<Void> bad = t.publish("no-such-exchange", "x", message(-1));
    for (int i = 100; i < 200; i++) {
      good.add(t.publish("", "fine", message(i)));
    }
    assertThatThrownBy(() -> bad.get(10, SECONDS))
        .cause()
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("exchange 'no-such-exchange' does not exist");
    CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(10, SECONDS);
    // at least once: publishes whose confirm went down with the channel were published again
    assertThat(t.queueInfo("fine").orElseThrow().messages()).isGreaterThanOrEqualTo(200);
    assertThat(t.isConnected()).isTrue();
  }

  @Test
  void aQueueDeclaredWithOtherArgumentsNamesTheQueueAndTheMismatch() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("work"));
    List<Delivery> received = new CopyOnWriteArrayList<>();
    ConsumerHandle consumer =
        t.consume(
            "work",
            10,
            d -> {
              received.add(d);
              d.ack();
            });
    t.declareQueue(QueueSpec.durable("orders").withArgument(QueueSpec.QUEUE_TYPE, "classic"));

    assertThatThrownBy(
            () ->
                t.declareQueue(
                    QueueSpec.durable("orders").withArgument(QueueSpec.QUEUE_TYPE, "quorum")))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageStartingWith("queue 'orders' exists with other settings: ")
        .hasMessageContaining(
            "inequivalent arg 'x-queue-type' for queue 'orders' in vhost '"
                + broker.vhost()
                + "': received 'quorum' but current is 'classic'");
    t.declareExchange(ExchangeSpec.durableTopic("events"));
    assertThatThrownBy(
            () ->
                t.declareExchange(
                    new ExchangeSpec("events", ExchangeSpec.ExchangeType.DIRECT, true)))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessageContaining("exchange 'events' exists with other settings")
        .hasMessageContaining("inequivalent arg 'type'");

    // the refusals closed only the admin channel: consuming and publishing go on
    assertThat(consumer.isActive()).isTrue();
    t.publish("", "work", message(1)).get(10, SECONDS);
    await().atMost(10, SECONDS).until(() -> received.size() == 1);
    t.declareQueue(QueueSpec.durable("orders").withArgument(QueueSpec.QUEUE_TYPE, "classic"));
  }

  @Test
  void bindingToAMissingQueueIsAClearError() {
    RabbitMqTransport t = connect();
    t.declareExchange(ExchangeSpec.durableTopic("events"));
    assertThatThrownBy(() -> t.bind("missing", "events", "#"))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("missing")
        .hasMessageContaining("no queue 'missing'");
    t.declareQueue(QueueSpec.durable("present"));
    t.bind("present", "events", "#");
    t.unbind("present", "events", "#");
    t.unbind("present", "events", "#");
    t.unbind("missing", "nowhere", "#");
  }

  @Test
  void getTakesOneMessageThatStaysUnackedUntilSettled() throws Exception {
    RabbitMqTransport t = connect();
    assertThat(t.queueInfo("q")).isEmpty();
    assertThatThrownBy(() -> t.purgeQueue("q"))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("queue 'q'")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> t.get("q"))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("queue 'q'");
    t.declareQueue(QueueSpec.durable("q"));
    assertThat(t.get("q")).isEmpty();
    for (int i = 0; i < 3; i++) {
      t.publish("", "q", message(i)).get(10, SECONDS);
    }
    assertThat(t.queueInfo("q").orElseThrow().messages()).isEqualTo(3);
    assertThat(t.queueInfo("q").orElseThrow().consumers()).isZero();

    Delivery first = t.get("q").orElseThrow();
    assertThat(first.message().messageId()).isEqualTo("m-0");
    assertThat(t.queueInfo("q").orElseThrow().messages()).isEqualTo(2);
    first.reject(true);
    await().atMost(5, SECONDS).until(() -> t.queueInfo("q").orElseThrow().messages() == 3);

    Delivery again = t.get("q").orElseThrow();
    assertThat(again.message().messageId()).isEqualTo("m-0");
    assertThat(again.redelivered()).isTrue();
    Delivery second = t.get("q").orElseThrow();
    assertThat(second.message().messageId()).isEqualTo("m-1");
    again.ack();
    again.ack();
    second.reject(false);
    await().atMost(5, SECONDS).until(() -> t.queueInfo("q").orElseThrow().messages() == 1);

    t.publish("", "q", message(9)).get(10, SECONDS);
    assertThat(t.purgeQueue("q")).isEqualTo(2);
    assertThat(t.queueInfo("q").orElseThrow().messages()).isZero();
    t.deleteQueue("q");
    t.deleteQueue("q");
    assertThat(t.queueInfo("q")).isEmpty();
  }

  @Test
  void cancellingStopsDeliveriesButHandedOverOnesCanStillBeAcked() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("jobs"));
    List<Delivery> held = new CopyOnWriteArrayList<>();
    ConsumerHandle consumer = t.consume("jobs", 10, held::add);
    assertThat(consumer.isActive()).isTrue();
    for (int i = 0; i < 5; i++) {
      t.publish("", "jobs", message(i)).get(10, SECONDS);
    }
    await().atMost(10, SECONDS).until(() -> held.size() == 5);
    assertThat(t.queueInfo("jobs").orElseThrow().consumers()).isEqualTo(1);

    consumer.cancel();
    consumer.cancel();
    assertThat(consumer.isActive()).isFalse();
    t.publish("", "jobs", message(5)).get(10, SECONDS);
    for (Delivery d : held) {
      d.ack();
    }
    // the five acks counted, the sixth message was not handed over and is back in the queue
    await()
        .atMost(5, SECONDS)
        .until(
            () ->
                t.queueInfo("jobs").orElseThrow().consumers() == 0
                    && t.queueInfo("jobs").orElseThrow().messages() == 1);
    assertThat(held).hasSize(5);
    assertThat(t.get("jobs").orElseThrow().message().messageId()).isEqualTo("m-5");
  }

  @Test
  void cancellingHandsASingleActiveConsumerQueueOverInOrder() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(
        QueueSpec.durable("partition").withArgument(QueueSpec.SINGLE_ACTIVE_CONSUMER, true));
    List<Delivery> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    ConsumerHandle active = t.consume("partition", 3, first::add);
    t.consume(
        "partition",
        3,
        d -> {
          second.add(d.message().messageId());
          d.ack();
        });
    for (int i = 0; i < 10; i++) {
      t.publish("", "partition", message(i)).get(10, SECONDS);
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
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("flaky"));
    List<String> seen = new CopyOnWriteArrayList<>();
    ConsumerHandle consumer =
        t.consume(
            "flaky",
            10,
            d -> {
              seen.add(d.message().messageId());
              if (seen.size() == 1) {
                throw new IllegalStateException("boom");
              }
              d.ack();
            });
    t.publish("", "flaky", message(1)).get(10, SECONDS);
    t.publish("", "flaky", message(2)).get(10, SECONDS);
    await().atMost(10, SECONDS).until(() -> seen.size() == 2);
    assertThat(consumer.isActive()).isTrue();
    // the unsettled delivery comes back when its connection closes, as with the in-memory broker
    t.close();
    RabbitMqTransport other = connect();
    await().atMost(10, SECONDS).until(() -> other.queueInfo("flaky").orElseThrow().messages() == 1);
    assertThat(other.get("flaky").orElseThrow().redelivered()).isTrue();
  }

  @Test
  void consistentHashExchangeSpreadsByTheHashHeader() throws Exception {
    RabbitMqTransport t = connect();
    t.declareExchange(
        new ExchangeSpec(
            "partitions",
            ExchangeSpec.ExchangeType.CONSISTENT_HASH,
            true,
            Map.of(ExchangeSpec.HASH_HEADER, "key")));
    for (int p = 0; p < 2; p++) {
      t.declareQueue(QueueSpec.durable("p" + p));
      t.bind("p" + p, "partitions", "1");
    }
    for (int i = 0; i < 100; i++) {
      t.publish("partitions", "ignored", Message.of(new byte[0], Map.of("key", "k" + i)))
          .get(10, SECONDS);
    }
    long p0 = t.queueInfo("p0").orElseThrow().messages();
    long p1 = t.queueInfo("p1").orElseThrow().messages();
    assertThat(p0 + p1).isEqualTo(100);
    assertThat(p0).isPositive();
    assertThat(p1).isPositive();
  }

  @Test
  void aPlainJsonMessageFromAnotherProducerArrivesWithItsProperties() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("legacy"));
    List<Delivery> received = new CopyOnWriteArrayList<>();
    t.consume(
        "legacy",
        5,
        d -> {
          received.add(d);
          d.ack();
        });
    Map<String, Object> headers = new HashMap<>();
    headers.put("x-retries", 3);
    headers.put("origin", "pika");
    headers.put("trace", Map.of("span", "s-1", "hops", List.of("a", "b")));
    raw()
        .channel
        .basicPublish(
            "",
            "legacy",
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .messageId("raw-1")
                .appId("legacy-app")
                .correlationId("corr-9")
                .timestamp(Date.from(Instant.ofEpochSecond(1_700_000_123L)))
                .headers(headers)
                .build(),
            utf8("{\"user\":1}"));
    await().atMost(10, SECONDS).until(() -> received.size() == 1);
    Delivery d = received.get(0);
    Message m = d.message();
    assertThat(m.messageId()).isEqualTo("raw-1");
    assertThat(m.contentType()).isEqualTo("application/json");
    assertThat(m.appId()).isEqualTo("legacy-app");
    assertThat(m.correlationId()).isEqualTo("corr-9");
    assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1_700_000_123L));
    assertThat(m.type()).isNull();
    assertThat(m.expiration()).isNull();
    assertThat(m.persistent()).isFalse();
    assertThat(m.headers())
        .containsEntry("x-retries", 3)
        .containsEntry("origin", "pika")
        .containsEntry("trace", Map.of("span", "s-1", "hops", List.of("a", "b")));
    assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("{\"user\":1}");
    assertThat(d.routingKey()).isEqualTo("legacy");
  }

  @Test
  void describesTheConnectionAndClosesOnce() throws Exception {
    RabbitMqTransport t = connect(b -> b.instanceId("described"));
    assertThat(t.name()).isEqualTo("rabbitmq");
    assertThat(t.isConnected()).isTrue();
    assertThat(t.describe())
        .isEqualTo(
            "connected to " + broker.host() + ":" + broker.port() + " vhost " + broker.vhost());
    t.declareQueue(QueueSpec.durable("q"));
    CompletableFuture<Void> last = t.publish("", "q", message(1));
    t.close();
    assertThat(last).isCompleted();
    assertThat(last.isCompletedExceptionally()).isFalse();
    t.close();
    assertThat(t.isConnected()).isFalse();
    assertThat(t.describe()).startsWith("closed");
    assertThatThrownBy(() -> t.publish("", "q", message(2)).join())
        .cause()
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> t.declareQueue(QueueSpec.durable("r")))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void listsQueuesThroughTheManagementApi() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(broker.host(), 15672), 500);
    } catch (IOException e) {
      Assumptions.abort("no management API on port 15672");
    }
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("listed").withArgument(QueueSpec.MAX_LENGTH, 5));
    t.declareQueue(new QueueSpec("scratch", false, false, true, Map.of()));
    assertThat(t.listQueues())
        .extracting(q -> q.name(), q -> q.durable())
        .containsExactlyInAnyOrder(tuple("listed", true), tuple("scratch", false));
  }

  @Test
  void theProviderIsFoundByName() {
    TransportProvider provider =
        ServiceLoader.load(TransportProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("rabbitmq"))
            .findFirst()
            .orElseThrow();
    var t = provider.create(broker.options().build());
    open.add(t);
    assertThat(t).isInstanceOf(RabbitMqTransport.class);
    assertThat(t.isConnected()).isTrue();
  }

  @Test
  void aMissingVirtualHostIsRefusedAtOnce() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                RabbitMqTransport.connect(
                    WarrenOptions.builder()
                        .rabbitmqUri(
                            "amqp://guest:guest@"
                                + broker.host()
                                + ":"
                                + broker.port()
                                + "/no-such-vhost")
                        .build()))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("refused the connection")
        .hasMessageContaining("guest:***@")
        .hasMessageContaining("no-such-vhost");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
