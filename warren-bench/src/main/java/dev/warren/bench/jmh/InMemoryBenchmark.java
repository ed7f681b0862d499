package dev.warren.bench.jmh;

import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.bench.Payload;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario 5 under JMH: one thread publishes a fresh 1 KB payload per event through Warren's
 * in-memory transport (topic routing, one subscription, its handler thread), against the same
 * hand-off through an {@link ArrayBlockingQueue} to one consumer thread. Both keep at most {@code
 * window} events in flight, so an operation is an event handed over at the rate the consumer takes
 * them, not one piled up in a queue. Throughput in events per second; with {@code -bm avgt -tu ns},
 * nanoseconds per event.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InMemoryBenchmark {

  /** Warren on the in-memory transport, subscribed to what the benchmark publishes. */
  @State(Scope.Benchmark)
  public static class WarrenMemory {
    /** Events in flight at most, as the harness's {@code --window}. */
    @Param("512")
    public int window;

    Warren warren;
    SubscriptionHandle subscription;
    Semaphore inFlight;
    byte[] template;

    /** Creates the instance and its subscription. */
    @Setup(Level.Trial)
    public void open() {
      template = Payload.template(1024);
      inFlight = new Semaphore(window);
      warren =
          Warren.create(
              WarrenOptions.builder()
                  .transport(WarrenOptions.TransportKind.MEMORY)
                  .source("/warren-bench")
                  .build());
      subscription =
          warren.subscribe(
              Subscription.named("bench-jmh").pattern("bench.memory.*").prefetch(200),
              event -> inFlight.release());
    }

    /**
     * Waits for the events in flight, then closes.
     *
     * @throws InterruptedException when interrupted
     */
    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
      inFlight.tryAcquire(window, 60, TimeUnit.SECONDS);
      subscription.close();
      warren.close();
    }
  }

  /** One consumer thread taking from an {@link ArrayBlockingQueue}. */
  @State(Scope.Benchmark)
  public static class HandOff {
    private static final byte[] STOP = new byte[0];

    /** The queue's capacity, as the harness's {@code --window}. */
    @Param("512")
    public int window;

    ArrayBlockingQueue<byte[]> queue;
    Thread consumer;
    byte[] template;

    /** Starts the consumer. */
    @Setup(Level.Trial)
    public void open() {
      template = Payload.template(1024);
      queue = new ArrayBlockingQueue<>(window);
      consumer =
          Thread.ofPlatform()
              .name("bench-jmh-handoff")
              .daemon()
              .start(
                  () -> {
                    try {
                      for (byte[] b = queue.take(); b != STOP; b = queue.take()) {
                        // handled: nothing to do, as Warren's handler
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
    }

    /**
     * Stops the consumer.
     *
     * @throws InterruptedException when interrupted
     */
    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
      queue.put(STOP);
      consumer.join(60_000);
    }
  }

  /**
   * Publishes one event through Warren's in-memory transport.
   *
   * @param s the instance
   * @return the publish's future, so it is not optimised away
   * @throws InterruptedException when interrupted
   */
  @Benchmark
  public CompletableFuture<?> warrenInMemory(WarrenMemory s) throws InterruptedException {
    s.inFlight.acquire();
    return s.warren.publish("bench.memory.tick", Payload.stamped(s.template, System.nanoTime()));
  }

  /**
   * Hands one payload to the consumer thread.
   *
   * @param s the queue
   * @throws InterruptedException when interrupted
   */
  @Benchmark
  public void arrayBlockingQueue(HandOff s) throws InterruptedException {
    s.queue.put(Payload.stamped(s.template, System.nanoTime()));
  }
}
