package dev.warren.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.warren.transport.ExchangeSpec;
import dev.warren.transport.QueueSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchanges, queues and bindings this transport declared, declared again when the connection
 * recovers, before amqp-client registers the consumers again.
 *
 * <p>why: amqp-client's own topology recovery replays each declaration on the channel that made it,
 * so a declaration made on a channel that is closed since (a refused one, or the short-lived
 * channel of an inspection) is never recovered. Transient, auto-delete and exclusive queues are
 * gone after a broker restart, and a consumer registered on a missing queue loses its channel.
 * Keeping the list here makes recovery independent of which channel declared what; amqp-client
 * still recovers the consumers and their prefetch.
 */
final class DeclaredTopology {
  private static final Logger log = LoggerFactory.getLogger(DeclaredTopology.class);

  /** A queue or exchange bound to an exchange. */
  record Binding(boolean toExchange, String destination, String source, String key) {
    @Override
    public String toString() {
      return (toExchange ? "exchange '" : "queue '")
          + destination
          + "' bound to '"
          + source
          + "' with '"
          + key
          + "'";
    }
  }

  private final Map<String, ExchangeSpec> exchanges = new LinkedHashMap<>();
  private final Map<String, QueueSpec> queues = new LinkedHashMap<>();
  private final Set<Binding> bindings = new LinkedHashSet<>();

  synchronized void declared(ExchangeSpec spec) {
    exchanges.put(spec.name(), spec);
  }

  synchronized void declared(QueueSpec spec) {
    queues.put(spec.name(), spec);
  }

  synchronized void bound(Binding binding) {
    bindings.add(binding);
  }

  synchronized void unbound(Binding binding) {
    bindings.remove(binding);
  }

  synchronized void queueDeleted(String queue) {
    queues.remove(queue);
    bindings.removeIf(b -> !b.toExchange() && b.destination().equals(queue));
  }

  /**
   * @param type how an exchange routes
   * @return RabbitMQ's name for it
   */
  static String exchangeType(ExchangeSpec.ExchangeType type) {
    return switch (type) {
      case TOPIC -> "topic";
      case DIRECT -> "direct";
      case FANOUT -> "fanout";
      case CONSISTENT_HASH -> "x-consistent-hash";
    };
  }

  static void declare(Channel ch, ExchangeSpec spec) throws IOException {
    ch.exchangeDeclare(
        spec.name(),
        exchangeType(spec.type()),
        spec.durable(),
        false,
        false,
        spec.arguments().isEmpty() ? null : new HashMap<>(spec.arguments()));
  }

  static void declare(Channel ch, QueueSpec spec) throws IOException {
    ch.queueDeclare(
        spec.name(),
        spec.durable(),
        spec.exclusive(),
        spec.autoDelete(),
        spec.arguments().isEmpty() ? null : new HashMap<>(spec.arguments()));
  }

  static void bind(Channel ch, Binding b) throws IOException {
    if (b.toExchange()) {
      ch.exchangeBind(b.destination(), b.source(), b.key());
    } else {
      ch.queueBind(b.destination(), b.source(), b.key());
    }
  }

  /** One declaration to repeat. */
  @FunctionalInterface
  private interface Step {
    void on(Channel ch) throws IOException;
  }

  /**
   * Declares everything again, in dependency order. A refusal (someone redeclared a queue with
   * other arguments meanwhile) is logged and skipped; it does not stop the rest.
   *
   * @param connection the recovered connection
   * @param where the broker, for logs
   */
  void redeclare(Connection connection, String where) {
    List<Object> what = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    synchronized (this) {
      for (ExchangeSpec x : exchanges.values()) {
        what.add("exchange '" + x.name() + "'");
        steps.add(ch -> declare(ch, x));
      }
      for (QueueSpec q : queues.values()) {
        what.add("queue '" + q.name() + "'");
        steps.add(ch -> declare(ch, q));
      }
      for (Binding b : bindings) {
        what.add(b);
        steps.add(ch -> bind(ch, b));
      }
    }
    Channel ch = null;
    try {
      for (int i = 0; i < steps.size(); i++) {
        try {
          if (ch == null || !ch.isOpen()) {
            abort(ch);
            ch = connection.createChannel();
          }
          steps.get(i).on(ch);
        } catch (IOException | ShutdownSignalException e) {
          if (!connection.isOpen()) {
            log.warn("RabbitMQ at {}: connection lost again while declaring the topology", where);
            return;
          }
          log.warn(
              "RabbitMQ at {}: could not declare {} again after recovery: {}",
              where,
              what.get(i),
              BrokerErrors.reason(e));
        }
      }
      if (!steps.isEmpty()) {
        log.debug("RabbitMQ at {}: declared {} topology entities again", where, steps.size());
      }
    } finally {
      abort(ch);
    }
  }

  private static void abort(Channel ch) {
    if (ch != null) {
      try {
        ch.abort();
      } catch (IOException | RuntimeException ignored) {
        // closing a helper channel
      }
    }
  }
}
