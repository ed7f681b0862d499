package dev.warren.examples.interactions;

import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.examples.Example;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleQueues;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.Http;
import dev.warren.server.ServerOptions;
import dev.warren.server.WarrenServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Seed 003, interaction events fan-out. Three "processes", each a {@link Warren} instance of its
 * own: a gateway serving HTTP ({@link WarrenServer}), an edge worker and a counter worker. This
 * class starts them; {@link FanOutScript} plays the steps:
 *
 * <ol>
 *   <li>the workers subscribe, each with 3 concurrent handlers and prefetch 20 ({@link
 *       #subscription}); the edge worker runs {@link EdgeWriter} into an {@link EdgeStore}, the
 *       counter worker {@link UserCounters};
 *   <li>the {@link FrontEnd} posts 60 interactions ({@link Traffic}) in batches of 10 to {@code
 *       POST /events}, then sends the last batch again as a client that lost the answer would;
 *   <li>the counters see all 60 at once; the edge worker retries the interactions it failed once
 *       and dead-letters the three whose product it does not know;
 *   <li>the {@link Operator} lists the dead letters; the product is added; the operator replays
 *       them over HTTP and the last three edges are written;
 *   <li>exact totals are checked: 60 edges, the total weight, every user's counters, the number of
 *       retries, dead letters and replays; then every queue is deleted.
 * </ol>
 */
public final class InteractionsExample implements Example {
  static final String EXCHANGE = "warren.examples.interactions";
  static final String EDGES = "examples.interactions.edges";
  static final String COUNTERS = "examples.interactions.counters";
  static final int INTERACTIONS = 60;
  static final int BATCH = 10;
  static final RetryPolicy RETRY =
      RetryPolicy.builder().immediateRetries(1).delays(Duration.ofMillis(200)).jitter(0).build();

  @Override
  public String name() {
    return "interactions";
  }

  @Override
  public String title() {
    return "interactions over HTTP fan out to graph edges and per-user counters; retry, DLQ, replay";
  }

  @Override
  public ExampleResult run(ExampleContext ctx) throws Exception {
    String run = UUID.randomUUID().toString();
    Traffic traffic = Traffic.generate(INTERACTIONS);
    ctx.say("interactions: user–product interactions fan out to graph edges and per-user counters");
    ctx.say("  transport:  %s", describe(ctx.options()));
    try (EdgeStore store = EdgeStore.open(ctx.environment(), run);
        Warren gateway = Warren.create(options(ctx, "interactions-gateway"))) {
      ctx.say("  edge store: %s", store.describe());
      WarrenServer server = WarrenServer.start(ServerOptions.builder().port(0).build(), gateway);
      try (Http http = new Http(URI.create("http://127.0.0.1:" + server.port()))) {
        Operator operator = new Operator(http);
        int leftovers = deleteQueues(operator);
        if (leftovers > 0) {
          ctx.say("  removed %d queues an earlier run left behind", leftovers);
        }
        ctx.say("  gateway:    warren server on %s, exchange %s", http.base(), EXCHANGE);
        FanOutScript script = new FanOutScript(ctx, traffic, store, new FrontEnd(http), operator);
        try (Warren edgeWorker = Warren.create(options(ctx, "interactions-edges"));
            Warren counterWorker = Warren.create(options(ctx, "interactions-counters"))) {
          edgeWorker.subscribe(subscription(EDGES), script.writer);
          counterWorker.subscribe(subscription(COUNTERS), script.counters);
          ctx.say("  workers:    %s and %s, on 'interaction.#', each", EDGES, COUNTERS);
          ctx.say("              in a Warren instance of its own: 3 handlers, prefetch 20;");
          ctx.say(
              "              a failure is retried at once, then after 200 ms, then dead-lettered");
          ctx.say(
              "              (as a process: ./warren worker --subscription NAME"
                  + " --pattern 'interaction.#' --workers 3 --prefetch 20 --forward URL)");
          script.play();
        }
        ctx.say("cleanup: deleted %d queues over DELETE /queues/{name}", deleteQueues(operator));
        return script.result();
      } finally {
        server.stop();
      }
    }
  }

  /**
   * @param name the subscription name
   * @return what each worker runs: competing consumers, 3 at a time, prefetch 20, quick retries;
   *     {@code ./warren worker --subscription NAME --pattern 'interaction.#' --workers 3 --prefetch
   *     20} is the same subscription in a process of its own
   */
  static Subscription subscription(String name) {
    return Subscription.named(name)
        .pattern("interaction.#")
        .concurrency(3)
        .prefetch(20)
        .retry(RETRY);
  }

  private static WarrenOptions options(ExampleContext ctx, String instance) {
    return ctx.options().toBuilder().exchange(EXCHANGE).instanceId(instance).build();
  }

  private static String describe(WarrenOptions options) {
    return options.effectiveTransport() == WarrenOptions.TransportKind.RABBITMQ
        ? "RabbitMQ " + options.rabbitmqUriForDisplay()
        : "the embedded in-memory broker (set WARREN_RABBITMQ_URL to use RabbitMQ)";
  }

  /**
   * @return every queue the example's subscriptions use, wait queues included
   */
  static List<String> queues() {
    List<String> queues = new ArrayList<>();
    for (String s : List.of(EDGES, COUNTERS)) {
      queues.add(s);
      queues.add(s + ".dlq");
      queues.addAll(ExampleQueues.waitQueueNames(s));
    }
    return queues;
  }

  private static int deleteQueues(Operator operator) throws Exception {
    int deleted = 0;
    for (String q : queues()) {
      if (operator.deleteQueue(q)) {
        deleted++;
      }
    }
    return deleted;
  }
}
