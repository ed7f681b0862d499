package dev.warren.internal.tasks.celery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.codec.JsonDataCodec;
import dev.warren.transport.ConsumerHandle;
import dev.warren.transport.Delivery;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Celery's remote control, the part Warren follows: {@code revoke}. Celery's {@code
 * app.control.revoke(id)} broadcasts {@code {"method":"revoke","arguments":{"task_id":…}}} on the
 * fanout exchange {@code celery.pidbox} (kombu's mailbox, not durable); each worker listens on a
 * queue of its own bound to it. Other commands (ping, inspect, rate limits) are not answered.
 */
public final class CeleryControl implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CeleryControl.class);

  /** kombu's mailbox exchange for the {@code celery} namespace. */
  public static final String EXCHANGE = "celery.pidbox";

  private final ConsumerHandle consumer;

  private CeleryControl(ConsumerHandle consumer) {
    this.consumer = consumer;
  }

  /**
   * Declares the mailbox exchange as kombu does and a queue for this instance, and listens.
   *
   * @param transport the transport
   * @param instanceId this instance's id, in the queue name
   * @param revoke called with each revoked task id
   * @return the listener
   */
  public static CeleryControl listen(
      Transport transport, String instanceId, Consumer<String> revoke) {
    // why: the same arguments as kombu's Mailbox (fanout, not durable), or a Celery client's own
    // declaration of the exchange would fail with PRECONDITION_FAILED
    transport.declareExchange(new ExchangeSpec(EXCHANGE, ExchangeSpec.ExchangeType.FANOUT, false));
    String queue = "warren." + instanceId + ".celery.pidbox";
    transport.declareQueue(
        new QueueSpec(queue, false, false, true, Map.of(QueueSpec.MESSAGE_TTL, 300_000L)));
    transport.bind(queue, EXCHANGE, "");
    ConsumerHandle c = transport.consume(queue, 10, d -> onCommand(d, revoke));
    return new CeleryControl(c);
  }

  /**
   * Broadcasts a revoke as Celery's {@code app.control.revoke(id)} does.
   *
   * @param transport the transport
   * @param taskId the task to revoke
   * @return when the broker has it
   */
  public static CompletableFuture<Void> revoke(Transport transport, String taskId) {
    transport.declareExchange(new ExchangeSpec(EXCHANGE, ExchangeSpec.ExchangeType.FANOUT, false));
    ObjectNode command = JsonDataCodec.MAPPER.createObjectNode();
    command.put("method", "revoke");
    ObjectNode args = command.putObject("arguments");
    args.put("task_id", taskId);
    args.put("terminate", false);
    args.put("signal", "SIGTERM");
    command.putNull("destination");
    command.putNull("pattern");
    command.putNull("matcher");
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("clock", 1L);
    headers.put("expires", 0L);
    Message message =
        new Message(
            null,
            null,
            "application/json",
            null,
            null,
            null,
            null,
            null,
            false,
            headers,
            command.toString().getBytes(StandardCharsets.UTF_8),
            null,
            "utf-8",
            null);
    return transport.publish(EXCHANGE, "", message);
  }

  private static void onCommand(Delivery delivery, Consumer<String> revoke) {
    try {
      JsonNode command = JsonDataCodec.MAPPER.readTree(delivery.message().body());
      if ("revoke".equals(command.path("method").asText())) {
        JsonNode ids = command.path("arguments").path("task_id");
        if (ids.isArray()) {
          for (JsonNode id : ids) {
            revokeOne(revoke, id.asText());
          }
        } else if (ids.isTextual()) {
          revokeOne(revoke, ids.asText());
        }
      } else {
        log.debug("ignoring Celery control command {}", command.path("method").asText());
      }
    } catch (IOException e) {
      log.warn("a Celery control message is not JSON: {}", e.getMessage());
    } finally {
      // why: control messages are broadcasts without redelivery semantics in Celery either
      delivery.ack();
    }
  }

  private static void revokeOne(Consumer<String> revoke, String id) {
    try {
      revoke.accept(id);
      log.info("Celery revoked task {}", id);
    } catch (RuntimeException e) {
      log.warn("could not revoke task {} as Celery asked: {}", id, e.toString());
    }
  }

  @Override
  public void close() {
    try {
      consumer.cancel();
    } catch (RuntimeException e) {
      log.debug("cancelling the Celery control consumer: {}", e.toString());
    }
  }
}
