package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.testkit.ForeignMessagesContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.Message;
import dev.warren.transport.Transport;
import dev.warren.transport.WarrenHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Foreign and malformed messages on a real RabbitMQ, each test on a virtual host of its own,
 * published with the plain amqp-client as pika would: no Warren code on the sending side. And what
 * only the wire shows: a dead letter of a foreign message still has its properties as they arrived.
 */
class RabbitMqForeignMessagesContractTest extends ForeignMessagesContractTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return broker.options().connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }

  @Override
  protected void publishForeign(String exchange, String routingKey, Message m) {
    AMQP.BasicProperties.Builder p = new AMQP.BasicProperties.Builder();
    if (m.messageId() != null) {
      p.messageId(m.messageId());
    }
    if (m.type() != null) {
      p.type(m.type());
    }
    if (m.contentType() != null) {
      p.contentType(m.contentType());
    }
    if (m.appId() != null) {
      p.appId(m.appId());
    }
    if (m.timestamp() != null) {
      p.timestamp(Date.from(m.timestamp()));
    }
    if (!m.headers().isEmpty()) {
      p.headers(new LinkedHashMap<>(m.headers()));
    }
    p.deliveryMode(m.persistent() ? 2 : 1);
    try (RawAmqp raw = new RawAmqp(broker.uri())) {
      raw.channel.confirmSelect();
      raw.channel.basicPublish(exchange, routingKey, p.build(), m.body());
      raw.channel.waitForConfirmsOrDie(10_000);
    } catch (Exception e) {
      throw new AssertionError("publishing with the plain amqp-client failed", e);
    }
  }

  @Test
  void aDeadLetteredForeignMessageKeepsItsPropertiesAndCarriesTheReasonOnTheWire()
      throws Exception {
    Warren warren = newWarren();
    String sub = name("wire");
    AtomicInteger handled = new AtomicInteger();
    warren.subscribe(Subscription.named(sub).pattern("wire.*"), e -> handled.incrementAndGet());
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("cloudEvents_specversion", "9.9");
    h.put("cloudEvents_type", "wire.sent");
    h.put("tenant", "acme");
    // no message_id, no content type, transient: as bare as pika's defaults
    try (RawAmqp raw = new RawAmqp(broker.uri())) {
      raw.channel.confirmSelect();
      raw.channel.basicPublish(
          exchange(),
          "wire.sent",
          new AMQP.BasicProperties.Builder().headers(h).build(),
          "raw body".getBytes(StandardCharsets.UTF_8));
      raw.channel.waitForConfirmsOrDie(10_000);

      DeadLetters dlq = warren.deadLetters(sub);
      await().atMost(30, SECONDS).until(() -> dlq.count() == 1);
      String id = dlq.peek(1).get(0).id();
      assertThat(handled).hasValue(0);

      List<GetResponse> dead = raw.drain(sub + ".dlq");
      assertThat(dead).hasSize(1);
      AMQP.BasicProperties p = dead.get(0).getProps();
      assertThat(p.getMessageId()).isNull();
      assertThat(p.getType()).isNull();
      assertThat(p.getContentType()).isNull();
      assertThat(new String(dead.get(0).getBody(), StandardCharsets.UTF_8)).isEqualTo("raw body");
      Map<String, Object> headers = p.getHeaders();
      assertThat(headers.get("cloudEvents_specversion").toString()).isEqualTo("9.9");
      assertThat(headers.get("tenant").toString()).isEqualTo("acme");
      assertThat(headers).doesNotContainKey("cloudEvents_id").doesNotContainKey("cloudEvents_time");
      assertThat(headers.get(WarrenHeaders.ERROR_TYPE).toString())
          .isEqualTo("dev.warren.InvalidInputException");
      assertThat(headers.get(WarrenHeaders.ERROR_MESSAGE).toString()).contains("'9.9'");
      assertThat(headers.get(WarrenHeaders.SUBSCRIPTION).toString()).isEqualTo(sub);
      assertThat(headers.get(WarrenHeaders.ROUTING_KEY).toString()).isEqualTo("wire.sent");
      // the id Warren derived for it is its own bookkeeping, not written back as the publisher's
      assertThat(id).isNotBlank();
    }
  }

  @Test
  void aPlainMessageRetriedThroughTheWaitQueuesIsRepublishedAsItArrived() throws Exception {
    Warren warren = newWarren();
    String sub = name("retry-wire");
    List<Event> seen = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named(sub)
            .pattern("#")
            .retry(
                RetryPolicy.builder()
                    .immediateRetries(0)
                    .jitter(0)
                    .delays(Duration.ofMillis(50))
                    .build()),
        e -> {
          seen.add(e);
          throw new IllegalStateException("always");
        });
    try (RawAmqp raw = new RawAmqp(broker.uri())) {
      raw.channel.confirmSelect();
      raw.channel.basicPublish(
          exchange(),
          "parcel.shipped",
          new AMQP.BasicProperties.Builder().contentEncoding("identity").priority(3).build(),
          "{\"parcel\":1}".getBytes(StandardCharsets.UTF_8));
      raw.channel.waitForConfirmsOrDie(10_000);

      DeadLetters dlq = warren.deadLetters(sub);
      await().atMost(30, SECONDS).until(() -> dlq.count() == 1);
      DeadLetter dead = dlq.peek(1).get(0);
      assertThat(seen).hasSize(2);
      assertThat(seen).extracting(Event::type).containsOnly("parcel.shipped");
      assertThat(seen).extracting(Event::id).containsOnly(dead.id());

      AMQP.BasicProperties p = raw.drain(sub + ".dlq").get(0).getProps();
      assertThat(p.getMessageId()).isNull();
      assertThat(p.getType()).isNull();
      assertThat(p.getHeaders().keySet()).noneMatch(k -> k.startsWith("cloudEvents"));
      assertThat(p.getContentEncoding()).isEqualTo("identity");
      assertThat(p.getPriority()).isEqualTo(3);
    }
  }
}
