package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.testkit.TestBroker;
import dev.warren.testkit.TransportContractTest;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.QueueSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer whose channel the broker closes while the connection stays, as RabbitMQ's delivery
 * acknowledgement timeout ({@code consumer_timeout}) does with a task held too long: amqp-client
 * does not recover such a channel, so without Warren registering again the worker would stop
 * consuming for good, silently.
 */
@Timeout(value = 60, unit = SECONDS)
class RabbitMqConsumerChannelCloseTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @Test
  void aConsumerWhoseChannelTheBrokerClosedConsumesAgainAndGetsItsDeliveryBack() throws Exception {
    try (RabbitMqTransport t =
        RabbitMqTransport.connect(
            broker.options().connectTimeout(Duration.ofSeconds(10)).build())) {
      t.declareQueue(QueueSpec.durable("tasks").asQuorum(5));
      List<Delivery> got = new CopyOnWriteArrayList<>();
      ConsumerHandle handle = t.consume("tasks", 1, got::add);
      t.publish("", "tasks", TransportContractTest.sampleMessage(1)).get(10, SECONDS);
      await().atMost(10, SECONDS).until(() -> got.size() == 1);

      // the broker closes the consumer's channel with a precondition failure, as consumer_timeout
      // does (here: an acknowledgement of a delivery tag it never sent)
      RabbitMqConsumer consumer = (RabbitMqConsumer) handle;
      consumer.channel().basicAck(999_999, false);

      // the held delivery is back in the queue and comes again, on a new channel
      await().atMost(10, SECONDS).until(() -> got.size() == 2);
      assertThat(consumer.channelCloses()).isEqualTo(1);
      assertThat(handle.isActive()).isTrue();
      Delivery again = got.get(1);
      assertThat(again.message().messageId()).isEqualTo("m-1");
      assertThat(again.redelivered()).isTrue();
      // why: a quorum queue counts the closed channel as a return, towards the delivery limit
      assertThat(again.message().headers()).containsEntry(QueueSpec.DELIVERY_COUNT_HEADER, 1L);

      // the late ack on the closed channel is dropped; the one on the new channel counts
      got.get(0).ack();
      again.ack();
      t.publish("", "tasks", TransportContractTest.sampleMessage(2)).get(10, SECONDS);
      await().atMost(10, SECONDS).until(() -> got.size() == 3);
      got.get(2).ack();
      assertThat(got.get(2).message().messageId()).isEqualTo("m-2");
      await().atMost(10, SECONDS).until(() -> t.queueInfo("tasks").orElseThrow().messages() == 0);
      assertThat(consumer.channelCloses()).isEqualTo(1);
    }
  }
}
