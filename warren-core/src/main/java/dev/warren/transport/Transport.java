package dev.warren.transport;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The broker, as Warren's engine sees it: exchanges, queues, bindings, confirmed publishing and
 * acknowledged consuming, with AMQP 0-9-1 semantics. {@code InMemoryTransport} and {@code
 * RabbitMqTransport} implement it and pass the same contract suite.
 *
 * <p>Everything Warren builds on top (subscriptions, retries, dead letters, ordering) is expressed
 * with these operations and the queue arguments in {@link QueueSpec}, so both transports behave the
 * same by construction.
 *
 * <p>Implementations are thread-safe. Broker and I/O errors are translated into {@link
 * dev.warren.WarrenException} subtypes.
 */
public interface Transport extends AutoCloseable {

  /**
   * @return {@code memory} or {@code rabbitmq}
   */
  String name();

  /**
   * @return where it is connected, for logs and health, for example {@code connected to
   *     127.0.0.1:5672 vhost /}
   */
  String describe();

  /**
   * @return whether the broker is reachable right now
   */
  boolean isConnected();

  /**
   * @return the broker's reason while it blocks this connection for a resource alarm (publishes
   *     cannot proceed), empty otherwise
   */
  default Optional<String> blocked() {
    return Optional.empty();
  }

  /**
   * Whether queues declared with {@link QueueSpec#QUEUE_TYPE} {@code quorum} get what Warren relies
   * on: replication, message TTL, at-least-once dead-lettering and {@link QueueSpec#DELIVERY_LIMIT}
   * (RabbitMQ 3.10 and later; the in-memory broker models them).
   *
   * @return {@code true} when quorum queues are supported; {@code false} by default
   */
  default boolean supportsQuorumQueues() {
    return false;
  }

  /**
   * Declares an exchange, or checks that an existing one has the same type and durability.
   *
   * @param spec the exchange
   * @throws dev.warren.TopologyMismatchException when it exists with other settings
   */
  void declareExchange(ExchangeSpec spec);

  /**
   * Declares a queue, or checks that an existing one has the same settings.
   *
   * @param spec the queue
   * @throws dev.warren.TopologyMismatchException when it exists with other settings
   */
  void declareQueue(QueueSpec spec);

  /**
   * Binds a queue to an exchange. Idempotent.
   *
   * @param queue the queue
   * @param exchange the exchange
   * @param bindingKey the topic pattern, routing key or (for a consistent-hash exchange) weight
   */
  void bind(String queue, String exchange, String bindingKey);

  /**
   * Binds an exchange to another: messages routed by {@code source} with a matching key go on
   * through {@code destination}. Idempotent.
   *
   * @param destination the exchange receiving messages
   * @param source the exchange they come from
   * @param bindingKey the pattern or key on the source
   */
  default void bindExchange(String destination, String source, String bindingKey) {
    throw new dev.warren.WarrenException(name() + " transport cannot bind exchanges");
  }

  /**
   * Lists the queues on the broker (the virtual host), for operations tools.
   *
   * @return every queue with its counts, durability and arguments
   * @throws dev.warren.WarrenException when the broker does not offer a listing
   */
  default java.util.List<QueueInfo> listQueues() {
    throw new dev.warren.WarrenException(name() + " transport cannot list queues");
  }

  /**
   * Removes a binding. Idempotent.
   *
   * @param queue the queue
   * @param exchange the exchange
   * @param bindingKey the binding key
   */
  void unbind(String queue, String exchange, String bindingKey);

  /**
   * Deletes a queue and the messages in it. Idempotent.
   *
   * @param queue the queue
   */
  void deleteQueue(String queue);

  /**
   * @param queue the queue
   * @return how many ready messages were removed
   * @throws dev.warren.WarrenException when the queue does not exist
   */
  long purgeQueue(String queue);

  /**
   * @param queue the queue
   * @return its ready-message and consumer counts, or empty when it does not exist
   */
  Optional<QueueInfo> queueInfo(String queue);

  /**
   * Publishes a message. The future completes when the broker has taken responsibility for it (a
   * publisher confirm), fails with {@link dev.warren.PublishRejectedException} on a negative
   * confirm, and with {@link dev.warren.BrokerUnavailableException} when the broker stayed away
   * longer than the publish timeout. A message whose confirm was lost with the connection is
   * published again after recovery, never reported as confirmed without a confirm.
   *
   * <p>The future may complete on a transport thread: dependants must not block.
   *
   * @param exchange the exchange; {@code ""} is the default exchange, routing by queue name
   * @param routingKey the routing key
   * @param message the message
   * @return completes on confirm
   */
  CompletableFuture<Void> publish(String exchange, String routingKey, Message message);

  /**
   * Starts consuming with manual acknowledgement. After a connection loss the consumer is
   * registered again automatically once the broker is back; unacknowledged deliveries are then
   * redelivered by the broker.
   *
   * @param queue the queue
   * @param prefetch the most unacknowledged deliveries this consumer holds
   * @param handler called for each delivery, on a transport thread: it must not block
   * @return a handle to cancel the consumer
   */
  ConsumerHandle consume(String queue, int prefetch, DeliveryHandler handler);

  /**
   * Takes one message from a queue without a consumer (AMQP {@code basic.get}), unacknowledged: the
   * caller must ack it or reject it.
   *
   * @param queue the queue
   * @return the delivery, or empty when the queue is empty
   */
  Optional<Delivery> get(String queue);

  /**
   * Reads the first messages of a queue and leaves them in it. The in-memory broker copies them and
   * changes nothing. RabbitMQ can only read a message by taking it and putting it back: there the
   * messages read are marked redelivered, a quorum queue counts the read as a delivery (toward its
   * delivery limit), and a quorum queue puts them back where it chooses (at its back without a
   * delivery limit, behind other returned messages with one), so reading a quorum queue can change
   * its order; a classic queue keeps its order.
   *
   * @param queue the queue
   * @param limit the most messages to read, at least 1
   * @return copies of the first messages, in queue order, at most {@code limit}
   */
  List<BrowsedMessage> browse(String queue, int limit);

  /**
   * Opens a channel for request/reply: requests published through it carry a reply address, and the
   * replies sent there reach {@code receiver}, without a queue being declared (RabbitMQ's direct
   * reply-to). One per requesting instance is enough: replies carry the request's correlation.
   *
   * @param receiver gets each reply, on a transport thread
   * @return the channel, consuming replies already
   * @throws dev.warren.WarrenException when this transport cannot carry replies, or the broker
   *     refused
   * @throws dev.warren.BrokerUnavailableException when the broker cannot be reached
   */
  default ReplyChannel replies(ReplyReceiver receiver) {
    throw new dev.warren.WarrenException(name() + " transport cannot carry replies");
  }

  /** Cancels consumers, waits briefly for outstanding confirms and disconnects. */
  @Override
  void close();
}
