package dev.warren.bench.clients;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The baseline a careful user writes with the official amqp-client and nothing else: one connection
 * to publish and one to consume (as RabbitMQ recommends, so flow control on the publisher never
 * stalls the consumer), asynchronous publisher confirms tracked by sequence number (multiple-acks
 * included), and a consumer acking each delivery.
 */
public final class RawAmqpClient implements MessagingClient {
  /** The contender name in the report. */
  public static final String NAME = "raw amqp-client";

  /** The name of the variant that sends Warren's envelope. */
  public static final String ENVELOPE_NAME = "raw amqp-client, CloudEvents headers";

  private static final String EXCHANGE = "bench.raw";

  private final BenchBroker broker;
  private final boolean envelope;
  private final ConcurrentNavigableMap<Long, Confirmation> unconfirmed =
      new ConcurrentSkipListMap<>();
  private Connection publishing;
  private Connection consuming;
  private Channel publisher;
  private Channel consumer;

  /**
   * @param broker the run's virtual host
   */
  public RawAmqpClient(BenchBroker broker) {
    this(broker, false);
  }

  /**
   * @param broker the run's virtual host
   * @param envelope whether each message carries the properties and headers Warren's CloudEvents
   *     envelope puts on it (a diagnostic contender: what the envelope itself costs the broker)
   */
  public RawAmqpClient(BenchBroker broker, boolean envelope) {
    this.broker = broker;
    this.envelope = envelope;
  }

  @Override
  public String name() {
    return envelope ? ENVELOPE_NAME : NAME;
  }

  @Override
  public String id() {
    return envelope ? "raw-ce" : "raw";
  }

  @Override
  public void open() throws Exception {
    // why: opened again after a broker restart; confirms of the old channel never come
    unconfirmed.clear();
    ConnectionFactory factory = broker.connectionFactory();
    publishing = factory.newConnection("warren-bench-raw-publisher");
    consuming = factory.newConnection("warren-bench-raw-consumer");
    publisher = publishing.createChannel();
    publisher.confirmSelect();
    publisher.addConfirmListener(
        (tag, multiple) -> settle(tag, multiple, null),
        (tag, multiple) -> settle(tag, multiple, new IOException("nack for publish " + tag)));
    publisher.exchangeDeclare(EXCHANGE, BuiltinExchangeType.TOPIC, true);
  }

  private void settle(long tag, boolean multiple, Throwable nack) {
    if (multiple) {
      ConcurrentNavigableMap<Long, Confirmation> settled = unconfirmed.headMap(tag, true);
      for (Confirmation c : settled.values()) {
        notify(c, nack);
      }
      settled.clear();
    } else {
      Confirmation c = unconfirmed.remove(tag);
      if (c != null) {
        notify(c, nack);
      }
    }
  }

  private static void notify(Confirmation c, Throwable nack) {
    if (nack == null) {
      c.confirmed();
    } else {
      c.failed(nack);
    }
  }

  @Override
  public void declare(BenchQueue queue) throws IOException {
    Map<String, Object> args = Map.of("x-queue-type", queue.quorum() ? "quorum" : "classic");
    publisher.queueDeclare(queue.name(), true, false, false, args);
    publisher.queueBind(queue.name(), EXCHANGE, queue.routingKey());
  }

  @Override
  public void publish(BenchQueue queue, byte[] body, Confirmation confirmation) throws IOException {
    unconfirmed.put(publisher.getNextPublishSeqNo(), confirmation);
    publisher.basicPublish(
        EXCHANGE,
        queue.routingKey(),
        envelope ? envelope(queue.routingKey()) : MessageProperties.PERSISTENT_BASIC,
        body);
  }

  /** The properties and headers of a Warren event as AmqpBinding writes them, for one message. */
  private static AMQP.BasicProperties envelope(String type) {
    String id = UUID.randomUUID().toString();
    Instant now = Instant.now();
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("cloudEvents_specversion", "1.0");
    headers.put("cloudEvents_id", id);
    headers.put("cloudEvents_source", "/warren-bench");
    headers.put("cloudEvents_type", type);
    headers.put("cloudEvents_time", now.toString());
    headers.put("warren-partition", id);
    return new AMQP.BasicProperties.Builder()
        .messageId(id)
        .type(type)
        .contentType("application/json")
        .appId("/warren-bench")
        .timestamp(Date.from(now))
        .deliveryMode(2)
        .headers(headers)
        .build();
  }

  @Override
  public void startConsumer(BenchQueue queue, int prefetch, BodyHandler handler)
      throws IOException {
    consumer = consuming.createChannel();
    consumer.basicQos(prefetch);
    consumer.basicConsume(
        queue.name(),
        false,
        new DefaultConsumer(consumer) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
              throws IOException {
            handler.handle(body);
            getChannel().basicAck(envelope.getDeliveryTag(), false);
          }
        });
  }

  @Override
  public void stopConsumer() throws Exception {
    if (consumer != null) {
      // why: closing the channel cancels the consumer and requeues what it had not acked
      consumer.close();
      consumer = null;
    }
  }

  @Override
  public void close() {
    for (Connection c : new Connection[] {consuming, publishing}) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException | RuntimeException e) {
          // closing at the end of the run: nothing left to protect
        }
      }
    }
  }
}
