package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.BrokerUnavailableException;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.testkit.BrokerProxy;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Message;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several broker addresses: the nodes of a cluster stood for by {@link BrokerProxy}s in front of
 * the real broker, one of which dies (its connections dropped, new ones refused) under confirmed
 * load.
 */
@Timeout(value = 120, unit = SECONDS)
class RabbitMqSeveralNodesTest {
  private static final Logger log = LoggerFactory.getLogger(RabbitMqSeveralNodesTest.class);

  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(open);
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private List<BrokerProxy> nodes(int n) throws Exception {
    List<BrokerProxy> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BrokerProxy p = new BrokerProxy(broker.host(), broker.port());
      open.add(p);
      nodes.add(p);
    }
    return nodes;
  }

  /** The first node as a full URI with a password, the others as bare host:ports. */
  private String addresses(List<BrokerProxy> nodes) {
    StringBuilder s =
        new StringBuilder("amqp://guest:guest@127.0.0.1:")
            .append(nodes.get(0).port())
            .append('/')
            .append(URLEncoder.encode(broker.vhost(), StandardCharsets.UTF_8));
    for (BrokerProxy p : nodes.subList(1, nodes.size())) {
      s.append(",127.0.0.1:").append(p.port());
    }
    return s.toString();
  }

  private RabbitMqTransport connect(WarrenOptions.Builder options) {
    RabbitMqTransport t =
        RabbitMqTransport.connect(options.shutdownTimeout(Duration.ofSeconds(2)).build());
    open.add(t);
    return t;
  }

  private static Message numbered(String id) {
    return new Message(
        id, null, "text/plain", null, null, null, null, true, Map.of(), id.getBytes());
  }

  @Test
  void aLostNodeIsReplacedByASurvivorWithinSecondsAndNoConfirmedMessageIsLost() throws Exception {
    List<BrokerProxy> nodes = nodes(3);
    RabbitMqTransport t =
        connect(
            WarrenOptions.builder()
                .rabbitmqUri(addresses(nodes))
                .confirmWindow(64)
                .publishTimeout(Duration.ofSeconds(30)));
    t.declareQueue(QueueSpec.durable("orders"));
    Set<String> received = ConcurrentHashMap.newKeySet();
    ConsumerHandle consumer =
        t.consume(
            "orders",
            50,
            d -> {
              received.add(d.message().messageId());
              d.ack();
            });

    List<String> confirmed = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
    AtomicLong lastConfirmNanos = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<CompletableFuture<Void>> confirms = Collections.synchronizedList(new ArrayList<>());
    Thread publisher =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    String id = "n" + i;
                    confirms.add(
                        t.publish("", "orders", numbered(id))
                            .whenComplete(
                                (ok, e) -> {
                                  if (e != null) {
                                    failed.add(e);
                                  } else {
                                    confirmed.add(id);
                                    lastConfirmNanos.set(System.nanoTime());
                                  }
                                }));
                  }
                });
    await().atMost(20, SECONDS).until(() -> confirmed.size() > 500);

    // every node carrying one of the instance's connections dies; at least one survives
    List<BrokerProxy> dying = nodes.stream().filter(p -> p.connections() > 0).toList();
    assertThat(dying).hasSizeBetween(1, 2);
    Set<String> dead = dying.stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.toSet());
    int confirmedBefore = confirmed.size();
    long killedAt = System.nanoTime();
    dying.forEach(BrokerProxy::kill);

    await()
        .atMost(5, SECONDS)
        .pollInterval(10, MILLISECONDS)
        .until(() -> !t.isConnected() || !consumer.isActive());
    // why: the issue measured 36-38 s without publishing or consuming with one address
    await()
        .atMost(10, SECONDS)
        .pollInterval(50, MILLISECONDS)
        .until(
            () ->
                t.isConnected()
                    && consumer.isActive()
                    && confirmed.size() > confirmedBefore + 100
                    && lastConfirmNanos.get() > killedAt);
    Duration back = Duration.ofNanos(System.nanoTime() - killedAt);
    String node = t.describe().replaceFirst(".*, node ", "");
    assertThat(dead).doesNotContain(node);
    assertThat(
            nodes.stream().filter(p -> !dying.contains(p)).mapToInt(BrokerProxy::connections).sum())
        .isGreaterThanOrEqualTo(2);

    stop.set(true);
    publisher.join(30_000);
    CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .get(60, SECONDS);
    assertThat(failed).isEmpty();
    await().atMost(30, SECONDS).until(() -> received.containsAll(confirmed));
    log.info(
        "several nodes: {} confirmed ({} before the loss), publishing and consuming back on {}"
            + " {} ms after the loss, {} received, 0 lost",
        confirmed.size(),
        confirmedBefore,
        node,
        back.toMillis(),
        received.size());
  }

  @Test
  void startUpPassesOverANodeThatIsDown() throws Exception {
    List<BrokerProxy> nodes = nodes(2);
    nodes.get(0).kill();
    String down = "127.0.0.1:" + nodes.get(0).port();
    String up = "127.0.0.1:" + nodes.get(1).port();
    // why: the nodes are tried in a random order; a few starts take both orders
    for (int i = 0; i < 6; i++) {
      long start = System.nanoTime();
      RabbitMqTransport t =
          connect(
              WarrenOptions.builder()
                  .rabbitmqUri(addresses(nodes))
                  .connectTimeout(Duration.ofSeconds(20)));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(t.describe()).endsWith(", node " + up).contains(down + "," + up);
      t.declareQueue(QueueSpec.durable("q"));
      t.publish("", "q", numbered("m" + i)).get(10, SECONDS);
      t.close();
    }
  }

  @Test
  void whenEveryNodeIsDownStartUpFailsNamingThemAllWithPasswordsMasked() throws Exception {
    List<BrokerProxy> nodes = nodes(2);
    nodes.forEach(BrokerProxy::kill);
    WarrenOptions options =
        WarrenOptions.builder()
            .rabbitmqUri(addresses(nodes).replace("guest:guest@", "guest:s3cret@"))
            .connectTimeout(Duration.ofMillis(700))
            .build();
    assertThatThrownBy(() -> RabbitMqTransport.connect(options))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageStartingWith(
            "RabbitMQ at amqp://guest:***@127.0.0.1:"
                + nodes.get(0).port()
                + "/"
                + URLEncoder.encode(broker.vhost(), StandardCharsets.UTF_8)
                + ",amqp://guest:***@127.0.0.1:"
                + nodes.get(1).port())
        .hasMessageContaining("unreachable after 700 ms")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void theManagementApiOfANodeThatIsDownIsPassedOver() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(broker.host(), 15672), 500);
    } catch (IOException e) {
      Assumptions.abort("no management API on port 15672");
    }
    List<BrokerProxy> down = nodes(2);
    down.forEach(BrokerProxy::kill);
    String dead = "http://127.0.0.1:" + down.get(0).port();
    String dead2 = "http://127.0.0.1:" + down.get(1).port();
    String live = "http://" + broker.host() + ":15672";
    connect(broker.options()).declareQueue(QueueSpec.durable("listed"));
    ManagementApi api = new ManagementApi(List.of(dead, live), URI.create(broker.uri()));
    assertThat(api.queues()).extracting(QueueInfo::name).contains("listed");
    assertThat(api.base()).isEqualTo(live);
    assertThat(api.queues()).extracting(QueueInfo::name).contains("listed");

    ManagementApi none = new ManagementApi(List.of(dead, dead2), URI.create(broker.uri()));
    assertThatThrownBy(none::queues)
        .isInstanceOf(WarrenException.class)
        .hasMessageStartingWith(
            "cannot list queues: the RabbitMQ management API at "
                + dead
                + ", "
                + dead2
                + " is unreachable");
  }
}
