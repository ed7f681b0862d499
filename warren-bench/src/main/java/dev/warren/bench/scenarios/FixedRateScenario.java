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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 3: end-to-end latency at a fixed publish rate well below saturation, Warren against the
 * raw client. Messages are sent on a schedule; each is stamped when it is actually sent, before the
 * confirm window is taken, so a publisher held back by the window shows it as latency, while the
 * timer's own wake-up lateness (the same for both) does not dilute the comparison.
 */
public final class FixedRateScenario implements Scenario {
  private final int rate;

  /**
   * @param rate messages per second
   */
  public FixedRateScenario(int rate) {
    this.rate = rate;
  }

  @Override
  public String id() {
    return "fixed-rate-" + rate;
  }

  @Override
  public String title() {
    return String.format(Locale.ROOT, "3. Fixed-rate latency at %,d msg/s", rate);
  }

  @Override
  public String description() {
    return String.format(
        Locale.ROOT,
        "One thread publishes %,d persistent messages per second with confirms to a durable classic"
            + " queue; one consumer with manual acks handles them. Latency is what matters here;"
            + " throughput only shows the rate was held.",
        rate);
  }

  @Override
  public String latencyMeaning() {
    return "publish call to handler";
  }

  @Override
  public boolean needsBroker() {
    return true;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    return List.of(
        new Paced(Clients.warren(context), context), new Paced(Clients.raw(context), context));
  }

  @Override
  public List<Target> targets() {
    return List.of(new Target.P99Vs(RawAmqpClient.NAME, 1.3));
  }

  private final class Paced extends ClientContender {
    private final int window;
    private final int prefetch;

    Paced(MessagingClient client, BenchContext context) {
      super(client, context, id(), false);
      this.window = context.config().window();
      this.prefetch = context.config().prefetch();
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
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
            }
          };
      return consuming(
          prefetch,
          body -> {
            latency.recordSince(Payload.stamp(body));
            handled.incrementAndGet();
          },
          () -> {
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            long end = start + length.toNanos();
            AtomicLong sent = new AtomicLong();
            client.publishing(
                () -> {
                  for (long due = start; due < end; due = start + sent.get() * interval) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    byte[] body = Payload.stamped(template, System.nanoTime());
                    unconfirmed.acquire();
                    client.publish(queue, body, confirmation);
                    sent.incrementAndGet();
                  }
                });
            long elapsed = System.nanoTime() - start;
            long done = handled.get();
            unconfirmed.drain(name() + " publishing");
            awaitHandled(handled, sent.get());
            return new RoundResult(done, elapsed, latency.histogram());
          });
    }

    private void awaitHandled(AtomicLong handled, long sent) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (handled.get() < sent) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name() + ": " + (sent - handled.get()) + " messages not handled after 60 s");
        }
        Thread.sleep(1);
      }
    }
  }
}
