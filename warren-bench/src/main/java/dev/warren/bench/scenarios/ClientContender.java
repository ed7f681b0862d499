package dev.warren.bench.scenarios;

import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.Payload;
import dev.warren.bench.RoundResult;
import dev.warren.bench.clients.BenchBroker;
import dev.warren.bench.clients.BenchQueue;
import dev.warren.bench.clients.MessagingClient;

/** A contender that drives one {@link MessagingClient} against its own queue. */
abstract class ClientContender implements Contender {
  final MessagingClient client;
  final BenchBroker broker;
  final BenchQueue queue;
  final byte[] template;

  ClientContender(MessagingClient client, BenchContext context, String scenario, boolean quorum) {
    this.client = client;
    this.broker = context.requireBroker();
    // why: each contender has its own queue (and exchange), so one's leftovers never meet another
    this.queue =
        new BenchQueue(
            "bench-" + scenario + "-" + client.id(),
            "bench." + scenario + "." + client.id(),
            quorum);
    this.template = Payload.template(context.config().payloadBytes());
  }

  @Override
  public String name() {
    return client.name();
  }

  @Override
  public void open() throws Exception {
    client.open();
    client.declare(queue);
    broker.purge(queue.name());
  }

  /** A round's work while this contender's consumer runs. */
  @FunctionalInterface
  interface Measured {
    RoundResult run() throws Exception;
  }

  /**
   * Starts the consumer, waits until the broker sees it, runs the round, then stops the consumer
   * and purges the queue, whether the round succeeded or not (a cleanup failure does not hide the
   * round's own).
   */
  RoundResult consuming(int prefetch, MessagingClient.BodyHandler handler, Measured round)
      throws Exception {
    client.startConsumer(queue, prefetch, handler);
    RoundResult result;
    try {
      broker.awaitConsumer(queue.name());
      result = round.run();
    } catch (Exception e) {
      try {
        cleanUp();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    cleanUp();
    return result;
  }

  private void cleanUp() throws Exception {
    client.stopConsumer();
    broker.purge(queue.name());
  }

  @Override
  public void close() {
    try {
      client.stopConsumer();
    } catch (Exception e) {
      // closing the client below stops it anyway
    }
    client.close();
  }
}
