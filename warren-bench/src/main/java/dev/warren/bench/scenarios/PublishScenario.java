package dev.warren.bench.scenarios;

import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.Payload;
import dev.warren.bench.RoundResult;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.bench.clients.MessagingClient;
import dev.warren.bench.clients.RawAmqpClient;
import dev.warren.bench.clients.SpringAmqpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 1: publishing persistent messages with confirms to a durable queue (classic or quorum)
 * that has no consumer, as fast as the confirm window allows. Warren against the raw client and
 * Spring AMQP; the queue is purged after each round.
 */
public final class PublishScenario implements Scenario {
  private final boolean quorum;

  /**
   * @param quorum a quorum queue instead of a classic one
   */
  public PublishScenario(boolean quorum) {
    this.quorum = quorum;
  }

  @Override
  public String id() {
    return quorum ? "publish-quorum" : "publish-classic";
  }

  @Override
  public String title() {
    return "1. Publish with confirms, persistent, durable "
        + (quorum ? "quorum" : "classic")
        + " queue";
  }

  @Override
  public String description() {
    return "One thread publishes persistent messages to a topic exchange routing them to one durable "
        + (quorum ? "quorum" : "classic")
        + " queue with no consumer, keeping at most the confirm window unconfirmed; throughput counts"
        + " confirmed messages.";
  }

  @Override
  public String latencyMeaning() {
    return "publish call to confirm callback";
  }

  @Override
  public boolean needsBroker() {
    return true;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    List<Contender> all = new ArrayList<>();
    for (MessagingClient c : Clients.all(context)) {
      all.add(new Publisher(c, context, id(), quorum));
    }
    // why: a diagnostic: the raw client sending Warren's envelope tells what the envelope costs
    // the broker apart from what Warren's code costs
    all.add(new Publisher(new RawAmqpClient(context.requireBroker(), true), context, id(), quorum));
    return all;
  }

  @Override
  public List<Target> targets() {
    return List.of(
        new Target.ThroughputVs(RawAmqpClient.NAME, 0.9),
        new Target.ThroughputVs(SpringAmqpClient.NAME, 1.5));
  }

  /** Publishes with confirms as fast as the window allows; also the lineage-cost scenario's. */
  static final class Publisher extends ClientContender {
    private final int window;

    Publisher(MessagingClient client, BenchContext context, String scenario, boolean quorum) {
      super(client, context, scenario, quorum);
      this.window = context.config().window();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      InFlight unconfirmed = new InFlight(window);
      LatencyRecorder latency = new LatencyRecorder();
      AtomicLong confirmed = new AtomicLong();
      long start = System.nanoTime();
      long end = start + length.toNanos();
      client.publishing(
          () -> {
            while (unconfirmed.acquireBefore(end)) {
              long sent = System.nanoTime();
              client.publish(
                  queue,
                  Payload.stamped(template, sent),
                  new MessagingClient.Confirmation() {
                    @Override
                    public void confirmed() {
                      latency.recordSince(sent);
                      confirmed.incrementAndGet();
                      unconfirmed.release();
                    }

                    @Override
                    public void failed(Throwable error) {
                      unconfirmed.fail(error);
                    }
                  });
            }
          });
      long elapsed = System.nanoTime() - start;
      long done = confirmed.get();
      unconfirmed.drain(name() + " publishing");
      broker.purge(queue.name());
      return new RoundResult(done, elapsed, latency.histogram());
    }
  }
}
