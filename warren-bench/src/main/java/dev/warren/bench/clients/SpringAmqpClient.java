package dev.warren.bench.clients;

import com.rabbitmq.client.ConnectionFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * Spring AMQP configured as its documentation recommends for confirmed publishing: a {@link
 * CachingConnectionFactory} with correlated publisher confirms and a channel cache as large as the
 * confirm window, a {@link RabbitTemplate} on a separate publisher connection, a {@link
 * CorrelationData} future per message; and a {@link SimpleMessageListenerContainer} with one
 * consumer, the run's prefetch and automatic (after the listener returned) acknowledgement.
 *
 * <p>By default a round's sends run inside one scoped operation ({@link RabbitTemplate#invoke}), so
 * they share one channel. Without it (the {@code per-message} mode) every {@code send} checks a
 * channel out of the cache, and the factory returns a channel to the cache only once all its
 * confirms arrived, waiting for them on a pooled thread: with hundreds of confirms outstanding that
 * means hundreds of channels and threads. That is what plain {@code send} calls do, but it is not
 * how Spring's documentation suggests publishing at a high rate, so it is not the default.
 */
public final class SpringAmqpClient implements MessagingClient {
  /** The contender name in the report. */
  public static final String NAME = "Spring AMQP";

  private static final String EXCHANGE = "bench.spring";

  private final BenchBroker broker;
  private final int channelCache;
  private final boolean scoped;
  private CachingConnectionFactory connections;
  private RabbitTemplate template;
  private RabbitAdmin admin;
  private SimpleMessageListenerContainer container;

  /**
   * @param broker the run's virtual host
   * @param confirmWindow unconfirmed publishes in flight at most, which sizes the channel cache
   * @param scoped whether a round's sends share one channel in a scoped operation
   */
  public SpringAmqpClient(BenchBroker broker, int confirmWindow, boolean scoped) {
    this.broker = broker;
    this.channelCache = confirmWindow + 8;
    this.scoped = scoped;
  }

  @Override
  public String name() {
    return scoped ? NAME : NAME + " (per-message send)";
  }

  @Override
  public String id() {
    return "spring";
  }

  @Override
  public void open() {
    ConnectionFactory rabbit = broker.connectionFactory();
    // why: Spring AMQP recovers connections itself and asks for the client's recovery to be off
    rabbit.setAutomaticRecoveryEnabled(false);
    connections = new CachingConnectionFactory(rabbit);
    connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
    // why: a channel with unconfirmed messages is not reusable; a cache smaller than the window
    // would close and reopen channels all the time (the documentation's advice)
    connections.setChannelCacheSize(channelCache);
    connections.setConnectionNameStrategy(f -> "warren-bench-spring");
    template = new RabbitTemplate(connections);
    template.setUsePublisherConnection(true);
    admin = new RabbitAdmin(connections);
    admin.declareExchange(new TopicExchange(EXCHANGE, true, false));
  }

  @Override
  public void declare(BenchQueue queue) {
    QueueBuilder builder = QueueBuilder.durable(queue.name());
    Queue q =
        queue.quorum()
            ? builder.quorum().build()
            : builder.withArgument("x-queue-type", "classic").build();
    admin.declareQueue(q);
    admin.declareBinding(
        BindingBuilder.bind(q)
            .to(new TopicExchange(EXCHANGE, true, false))
            .with(queue.routingKey()));
  }

  @Override
  public void publishing(Loop loop) throws Exception {
    if (!scoped) {
      loop.run();
      return;
    }
    try {
      template.invoke(
          operations -> {
            try {
              loop.run();
            } catch (Exception e) {
              throw new LoopFailed(e);
            }
            return null;
          });
    } catch (LoopFailed e) {
      throw (Exception) e.getCause();
    }
  }

  /** Carries a checked exception out of a Spring callback. */
  private static final class LoopFailed extends RuntimeException {
    LoopFailed(Exception cause) {
      super(cause);
    }
  }

  @Override
  public void publish(BenchQueue queue, byte[] body, Confirmation confirmation) {
    MessageProperties properties = new MessageProperties();
    properties.setContentType(MessageProperties.CONTENT_TYPE_BYTES);
    properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    CorrelationData correlation = new CorrelationData();
    correlation
        .getFuture()
        .whenComplete(
            (confirm, error) -> {
              if (error != null) {
                confirmation.failed(error);
              } else if (confirm.ack()) {
                confirmation.confirmed();
              } else {
                confirmation.failed(new IllegalStateException("nack: " + confirm.reason()));
              }
            });
    template.send(EXCHANGE, queue.routingKey(), new Message(body, properties), correlation);
  }

  @Override
  public void startConsumer(BenchQueue queue, int prefetch, BodyHandler handler) {
    container = new SimpleMessageListenerContainer(connections);
    container.setQueueNames(queue.name());
    container.setConcurrentConsumers(1);
    container.setPrefetchCount(prefetch);
    container.setAcknowledgeMode(AcknowledgeMode.AUTO);
    container.setMessageListener((Message m) -> handler.handle(m.getBody()));
    container.afterPropertiesSet();
    container.start();
  }

  @Override
  public void stopConsumer() {
    if (container != null) {
      container.stop();
      container.destroy();
      container = null;
    }
  }

  @Override
  public void close() {
    if (connections != null) {
      connections.destroy();
    }
  }
}
