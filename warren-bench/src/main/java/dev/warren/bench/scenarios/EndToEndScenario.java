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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 2: publish, deliver to a no-op handler, acknowledge, all in one process, as fast as it
 * goes. The publisher keeps at most the window of messages published but not yet handled (and at
 * most the window unconfirmed), so the queue stays short and the latency means something: at
 * saturation it is about window / throughput, plus the tail.
 */
public final class EndToEndScenario implements Scenario {
  @Override
  public String id() {
    return "end-to-end";
  }

  @Override
  public String title() {
    return "2. End to end: publish, no-op handler, ack";
  }

  @Override
  public String description() {
    return "One thread publishes persistent messages with confirms to a durable classic queue; one"
        + " consumer with manual acks handles them (no-op) and acks each after the handler returned."
        + " At most the window of messages is published but not yet handled; throughput counts"
        + " handled messages.";
  }

  @Override
  public String latencyMeaning() {
    return "publish call to handler, at saturation with the window in flight";
  }

  @Override
  public boolean needsBroker() {
    return true;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    return Clients.all(context).stream().map(c -> (Contender) new RoundTrip(c, context)).toList();
  }

  @Override
  public List<Target> targets() {
    return List.of(
        new Target.ThroughputVs(RawAmqpClient.NAME, 0.9),
        new Target.ThroughputVs(SpringAmqpClient.NAME, 1.5));
  }

  private final class RoundTrip extends ClientContender {
    private final int window;
    private final int prefetch;

    RoundTrip(MessagingClient client, BenchContext context) {
      super(client, context, id(), false);
      this.window = context.config().window();
      this.prefetch = context.config().prefetch();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      InFlight unhandled = new InFlight(window);
      InFlight unconfirmed = new InFlight(window);
      LatencyRecorder latency = new LatencyRecorder();
      AtomicLong handled = new AtomicLong();
      MessagingClient.Confirmation confirmation =
          new MessagingClient.Confirmation() {
            @Override
            public void confirmed() {
              unconfirmed.release();
            }

            @Override
            public void failed(Throwable error) {
              unconfirmed.fail(error);
              unhandled.fail(error);
            }
          };
      return consuming(
          prefetch,
          body -> {
            latency.recordSince(Payload.stamp(body));
            handled.incrementAndGet();
            unhandled.release();
          },
          () -> {
            long start = System.nanoTime();
            long end = start + length.toNanos();
            client.publishing(
                () -> {
                  while (unhandled.acquireBefore(end)) {
                    if (!unconfirmed.acquireBefore(end)) {
                      unhandled.release();
                      break;
                    }
                    client.publish(
                        queue, Payload.stamped(template, System.nanoTime()), confirmation);
                  }
                });
            long elapsed = System.nanoTime() - start;
            long done = handled.get();
            unconfirmed.drain(name() + " publishing");
            unhandled.drain(name() + " consuming");
            return new RoundResult(done, elapsed, latency.histogram());
          });
    }
  }
}
