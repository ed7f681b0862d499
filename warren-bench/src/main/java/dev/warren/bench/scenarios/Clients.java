package dev.warren.bench.scenarios;

import dev.warren.bench.BenchConfig;
import dev.warren.bench.BenchContext;
import dev.warren.bench.clients.MessagingClient;
import dev.warren.bench.clients.RawAmqpClient;
import dev.warren.bench.clients.SpringAmqpClient;
import dev.warren.bench.clients.WarrenClient;
import java.util.List;

/** The clients a RabbitMQ scenario compares, Warren first, not yet connected. */
final class Clients {
  private Clients() {}

  static List<MessagingClient> all(BenchContext context) {
    return List.of(warren(context), raw(context), spring(context));
  }

  static MessagingClient warren(BenchContext context) {
    BenchConfig c = context.config();
    return new WarrenClient(context.requireBroker(), c.window(), c.prefetch());
  }

  static MessagingClient raw(BenchContext context) {
    return new RawAmqpClient(context.requireBroker());
  }

  static MessagingClient spring(BenchContext context) {
    BenchConfig c = context.config();
    return new SpringAmqpClient(context.requireBroker(), c.window(), c.springScoped());
  }
}
