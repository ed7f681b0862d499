package dev.warren.bench.scenarios;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.LatencyRecorder;
import dev.warren.bench.RoundResult;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.bench.clients.BenchBroker;
import dev.warren.server.ServerOptions;
import dev.warren.server.WarrenServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 4: HTTP ingestion. The Warren server runs in this process on RabbitMQ (the run's virtual
 * host), and the JDK's HTTP client posts 1 KB JSON events to {@code POST /publish/{type}} over many
 * connections; each request is answered once the broker confirmed the event. The baseline is the
 * same library publishing the same events directly ({@link Warren#publish(Event)}), with as many
 * unconfirmed as the HTTP side has connections, so the ratio is what HTTP costs. Either as fast as
 * it goes ({@code http-ingest}) or at a fixed rate, for the latency ({@code http-ingest-2000}).
 */
public final class HttpIngestScenario implements Scenario {
  /** The HTTP contender's name in the report. */
  public static final String HTTP_NAME = "Warren HTTP server";

  /** The baseline's name in the report. */
  public static final String LIBRARY_NAME = "Warren.publish (library)";

  private final int rate;

  /**
   * @param rate requests per second, or 0 for as fast as it goes
   */
  public HttpIngestScenario(int rate) {
    this.rate = rate;
  }

  @Override
  public String id() {
    return rate == 0 ? "http-ingest" : "http-ingest-" + rate;
  }

  @Override
  public String title() {
    return rate == 0
        ? "4. HTTP ingestion: POST /publish/{type} vs Warren.publish"
        : String.format(Locale.ROOT, "4. HTTP ingestion at %,d req/s", rate);
  }

  @Override
  public String description() {
    String load =
        rate == 0
            ? "as fast as the connections allow (each sends its next request when the last was"
                + " answered)"
            : String.format(
                Locale.ROOT,
                "at %,d requests per second, at most the connections in flight (a request is"
                    + " stamped when sent and the sender waits with it for a free connection, so a"
                    + " server behind schedule shows as latency and as a lower rate)",
                rate);
    return "The Warren server (Javalin on Jetty, virtual threads) runs in the benchmark's JVM on"
        + " RabbitMQ, publishing persistent events with confirms to a durable classic queue; "
        + (rate == 0
            ? "wrk (2 threads, in its own process; the JDK's HTTP client in this JVM where wrk is"
                + " not installed)"
            : "keep-alive HTTP/1.1 connections written and read directly by virtual threads in"
                + " this JVM (the JDK's HTTP client costs too much CPU per request to keep the"
                + " rate)")
        + " posts the payload size of JSON to POST /publish/{type} "
        + load
        + "; a request is answered 202 once the broker confirmed the event. The baseline publishes"
        + " the same events with Warren.publish(Event), at most as many unconfirmed as there are"
        + " connections."
        + (rate == 0
            ? ""
            : " A no-op subscription in the same process consumes the events as they arrive.")
        + " Throughput counts every request answered (event confirmed) over the time"
        + " until the last one was. The HTTP client, server and broker share the machine's"
        + " cores.";
  }

  @Override
  public String latencyMeaning() {
    return "request sent to 202 received (HTTP), publish call to confirm (library)";
  }

  @Override
  public boolean needsBroker() {
    return true;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    return List.of(new OverHttp(context), new Direct(context));
  }

  @Override
  public List<Target> targets() {
    return rate == 0
        ? List.of(new Target.ThroughputVs(LIBRARY_NAME, 0.7))
        : List.of(new Target.P99AtMost(10));
  }

  /** What both contenders share: a Warren instance on the run's broker and a bound queue. */
  private abstract class Ingest implements Contender {
    final BenchBroker broker;
    final int connections;
    final byte[] json;
    final String type;
    final String queue;
    Warren warren;

    Ingest(BenchContext context, String kind) {
      this.broker = context.requireBroker();
      this.connections = context.config().connections();
      this.json = HttpLoad.jsonBody(context.config().payloadBytes());
      // why: each contender its own type and queue, so one's events never land in the other's
      this.type = "bench.ingest." + kind;
      this.queue = "bench-" + id() + "-" + kind;
    }

    @Override
    public void open() throws Exception {
      warren =
          Warren.create(
              WarrenOptions.builder()
                  .transport(WarrenOptions.TransportKind.RABBITMQ)
                  .rabbitmqUri(broker.uri())
                  .source("/warren-bench")
                  .build());
      // why: the events go to a durable queue, as they would in use; subscribing declares it. At a
      // fixed rate a no-op subscription keeps consuming them, as a gateway's events are consumed:
      // a queue left to grow measures the broker paging messages, not ingestion
      SubscriptionHandle consumer =
          warren.subscribe(Subscription.named(queue).pattern(type), e -> {});
      if (rate == 0) {
        consumer.close();
      }
      broker.purge(queue);
    }

    @Override
    public void close() {
      if (warren != null) {
        try {
          warren.close();
        } catch (RuntimeException e) {
          System.err.println("warren-bench: closing Warren failed: " + e);
        }
      }
    }
  }

  /** Through the HTTP server, in this process. */
  private final class OverHttp extends Ingest {
    private WarrenServer server;
    private HttpLoad load;
    private final WrkLoad wrk;

    OverHttp(BenchContext context) {
      super(context, "http");
      // why: wrk loads the server for a fraction of the JDK client's CPU, so the round measures
      // the server; the fixed-rate variant keeps the JDK client, which can pace requests
      this.wrk = rate == 0 && WrkLoad.available() ? new WrkLoad(connections) : null;
    }

    @Override
    public void open() throws Exception {
      super.open();
      server =
          WarrenServer.start(ServerOptions.builder().host("127.0.0.1").port(0).build(), warren);
      load = new HttpLoad(connections);
    }

    @Override
    public String name() {
      return HTTP_NAME;
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/publish/" + type);
      RoundResult r;
      if (rate != 0) {
        try (SocketLoad sockets = new SocketLoad("127.0.0.1", server.port(), connections)) {
          byte[] request = SocketLoad.post("127.0.0.1:" + server.port(), uri.getPath(), json);
          r = sockets.atRate(request, rate, length);
        }
      } else {
        r =
            wrk != null
                ? wrk.saturate(uri, json, length)
                : load.saturate(HttpLoad.post(uri, json), length);
      }
      broker.purge(queue);
      return r;
    }

    @Override
    public void close() {
      if (load != null) {
        load.close();
      }
      if (server != null) {
        server.stop();
      }
      super.close();
    }
  }

  /** The library, publishing the same events itself. */
  private final class Direct extends Ingest {
    Direct(BenchContext context) {
      super(context, "library");
    }

    @Override
    public String name() {
      return LIBRARY_NAME;
    }

    @Override
    public RoundResult run(Duration length) throws Exception {
      InFlight unconfirmed = new InFlight(connections);
      LatencyRecorder latency = new LatencyRecorder();
      AtomicLong confirmed = new AtomicLong();
      long interval = rate == 0 ? 0 : 1_000_000_000L / rate;
      long start = System.nanoTime();
      long end = start + length.toNanos();
      for (long n = 0; ; n++) {
        if (rate == 0) {
          if (!unconfirmed.acquireBefore(end)) {
            break;
          }
        } else {
          long due = start + n * interval;
          if (due >= end) {
            break;
          }
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        long sent = System.nanoTime();
        if (rate != 0) {
          unconfirmed.acquire();
        }
        // why: the server builds the same event from a request: the type, the JSON data
        warren
            .publish(Event.builder(type).data(json, Event.JSON).build())
            .whenComplete(
                (event, error) -> {
                  if (error != null) {
                    unconfirmed.fail(error);
                    return;
                  }
                  latency.recordSince(sent);
                  confirmed.incrementAndGet();
                  unconfirmed.release();
                });
      }
      // why: counted like the HTTP side: every event, over the time until the last was confirmed
      unconfirmed.drain(name() + " publishing");
      long elapsed = System.nanoTime() - start;
      broker.purge(queue);
      return new RoundResult(confirmed.get(), elapsed, latency.histogram());
    }
  }
}
