package dev.warren.bench.scenarios;

import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.Payload;
import dev.warren.bench.RoundResult;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.bench.clients.WarrenInstances;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 5: Warren's in-memory transport, publish, topic routing, handler, in one JVM, against
 * the floor any hand-off between two threads pays: an {@link ArrayBlockingQueue}. Both move a fresh
 * payload per event from one producer thread to one consumer thread with at most the window in
 * flight, and record the latency from the stamp in the payload.
 */
public final class InMemoryScenario implements Scenario {
  /** The baseline's name in the report. */
  public static final String QUEUE_NAME = "ArrayBlockingQueue";

  @Override
  public String id() {
    return "in-memory";
  }

  @Override
  public String title() {
    return "5. In-memory transport: publish, topic routing, handler";
  }

  @Override
  public String description() {
    return "One thread publishes events of type bench.memory.tick through the embedded in-memory"
        + " transport to a subscription with the pattern bench.memory.* (one handler thread);"
        + " the baseline hands the same payloads to one consumer thread through an"
        + " ArrayBlockingQueue. At most the window of events is in flight in both.";
  }

  @Override
  public String latencyMeaning() {
    return "publish call to handler";
  }

  @Override
  public boolean needsBroker() {
    return false;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    int window = context.config().window();
    int prefetch = context.config().prefetch();
    byte[] template = Payload.template(context.config().payloadBytes());
    return List.of(
        new WarrenMemory("Warren (in-memory)", null, window, prefetch, template),
        new HandOff(window, template));
  }

  @Override
  public List<Target> targets() {
    return List.of(new Target.AtLeastPerSecond(1_000_000));
  }

  /**
   * Warren on the in-memory transport, through the public API; also the lineage-cost scenario's.
   */
  static final class WarrenMemory implements Contender {
    private final String name;
    private final Boolean lineage;
    private final int window;
    private final int prefetch;
    private final byte[] template;
    private Warren warren;

    /**
     * @param name the name in the report
     * @param lineage whether lineage is recorded, or {@code null} for Warren's default
     */
    WarrenMemory(String name, Boolean lineage, int window, int prefetch, byte[] template) {
      this.name = name;
      this.lineage = lineage;
      this.window = window;
      this.prefetch = prefetch;
      this.template = template;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void open() {
      warren =
          WarrenInstances.create(
              WarrenOptions.builder()
                  .transport(WarrenOptions.TransportKind.MEMORY)
                  .source("/warren-bench")
                  .build(),
              lineage);
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      LatencyRecorder latency = new LatencyRecorder();
      AtomicLong handled = new AtomicLong();
      // why: the same bound as the baseline's queue capacity, and like it the publisher blocks
      // (rather than spins, which would take a core from Warren's own threads) when it is reached
      Semaphore window = new Semaphore(this.window);
      SubscriptionHandle handle =
          warren.subscribe(
              Subscription.named("bench-memory").pattern("bench.memory.*").prefetch(prefetch),
              event -> {
                latency.recordSince(Payload.stamp(event.data()));
                handled.incrementAndGet();
                window.release();
              });
      long published = 0;
      long start;
      long elapsed;
      long done;
      try {
        start = System.nanoTime();
        long end = start + length.toNanos();
        while (((published & 63) != 0 || System.nanoTime() < end)
            && window.tryAcquire(1, TimeUnit.SECONDS)) {
          CompletableFuture<?> f =
              warren.publish("bench.memory.tick", Payload.stamped(template, System.nanoTime()));
          if (f.isCompletedExceptionally()) {
            f.join();
          }
          published++;
        }
        elapsed = System.nanoTime() - start;
        done = handled.get();
        if (!window.tryAcquire(this.window, 60, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              (published - handled.get()) + " in-memory events not handled after 60 s");
        }
      } finally {
        handle.close();
      }
      return new RoundResult(done, elapsed, latency.histogram());
    }

    @Override
    public void close() {
      if (warren != null) {
        warren.close();
      }
    }
  }

  /** The floor: one producer, one consumer thread, an ArrayBlockingQueue of the window's size. */
  private static final class HandOff implements Contender {
    private static final byte[] STOP = new byte[0];
    private final int window;
    private final byte[] template;

    HandOff(int window, byte[] template) {
      this.window = window;
      this.template = template;
    }

    @Override
    public String name() {
      return QUEUE_NAME;
    }

    @Override
    public void open() {}

    @Override
    public RoundResult run(Duration length) throws Exception {
      ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(window);
      LatencyRecorder latency = new LatencyRecorder();
      AtomicLong handled = new AtomicLong();
      Thread consumer =
          Thread.ofPlatform()
              .name("bench-handoff-consumer")
              .daemon()
              .start(
                  () -> {
                    try {
                      for (byte[] body = queue.take(); body != STOP; body = queue.take()) {
                        latency.recordSince(Payload.stamp(body));
                        handled.incrementAndGet();
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      long start = System.nanoTime();
      long end = start + length.toNanos();
      long published = 0;
      while ((published & 63) != 0 || System.nanoTime() < end) {
        queue.put(Payload.stamped(template, System.nanoTime()));
        published++;
      }
      long elapsed = System.nanoTime() - start;
      long done = handled.get();
      queue.put(STOP);
      consumer.join(TimeUnit.SECONDS.toMillis(60));
      if (consumer.isAlive()) {
        consumer.interrupt();
        throw new IllegalStateException("the hand-off consumer did not finish in 60 s");
      }
      return new RoundResult(done, elapsed, latency.histogram());
    }

    @Override
    public void close() {}
  }
}
