package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import dev.warren.TopologyMismatchException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TransportContractTest;
import dev.warren.transport.Delivery;
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

  @Test
  void everyPublishIsConfirmedAndArrivesWithItsPropertiesAndHeaders() throws Exception {
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("orders"));
    List<CompletableFuture<Void>> confirms = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      confirms.add(t.publish("", "orders", TransportContractTest.sampleMessage(i)));
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
  }

  @Test
  void aRefusedDeclarationQuotesTheBrokerWithItsVirtualHost() {
    // the transport-neutral part of a mismatch is in the contract suite; RabbitMQ also names the
    // virtual host, and the refusal closes only the admin channel
    RabbitMqTransport t = connect();
    t.declareQueue(QueueSpec.durable("orders").withArgument(QueueSpec.QUEUE_TYPE, "classic"));
    assertThatThrownBy(
            () ->
                t.declareQueue(
                    QueueSpec.durable("orders").withArgument(QueueSpec.QUEUE_TYPE, "quorum")))
        .isInstanceOf(TopologyMismatchException.class)
        .hasMessage(
            "queue 'orders' exists with other settings: inequivalent arg 'x-queue-type' for queue"
                + " 'orders' in vhost '"
                + broker.vhost()
                + "': received 'quorum' but current is 'classic'");
    assertThatThrownBy(() -> t.bind("missing", "amq.topic", "#"))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("no queue 'missing' in vhost '" + broker.vhost() + "'");
    t.declareQueue(QueueSpec.durable("orders").withArgument(QueueSpec.QUEUE_TYPE, "classic"));
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
  void describesTheConnection() throws Exception {
    // closing once and refusing work afterwards is in the contract suite
    RabbitMqTransport t = connect(b -> b.instanceId("described"));
    assertThat(t.name()).isEqualTo("rabbitmq");
    assertThat(t.describe())
        .isEqualTo(
            "connected to " + broker.host() + ":" + broker.port() + " vhost " + broker.vhost());
    t.close();
    assertThat(t.describe())
        .isEqualTo(
            "closed (was connected to "
                + broker.host()
                + ":"
                + broker.port()
                + " vhost "
                + broker.vhost()
                + ")");
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
