package dev.warren.cli;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.server.ServerOptions;
import dev.warren.server.ServerWarmup;
import dev.warren.server.WarrenServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warren server}: serves HTTP ({@link WarrenServer}) until interrupted. Its HTTP settings
 * are {@link ServerOptions} ({@code WARREN_HTTP_*}, {@code --host}, {@code --port}); how it reaches
 * the broker and the store is the context's {@link WarrenOptions}, like every command's.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Serve Warren over HTTP: CloudEvents in, Server-Sent Events out, queues, health.")
final class ServerCommand implements Callable<Integer> {
  /**
   * The in-memory broker the server's instance uses, unless {@code WARREN_MEMORY_BROKER} names one;
   * named, so that anything else started in this JVM with the same name meets it.
   */
  static final String MEMORY_BROKER = "warren-server";

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      description = "Address to bind (env WARREN_HTTP_HOST, default 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "Port (env WARREN_HTTP_PORT, default 8080)")
  Integer port;

  @Option(names = "--insecure", description = "Allow a non-loopback host without API keys")
  boolean insecure;

  @Option(
      names = "--demo",
      description =
          "Run demo traffic in the server (demo.* orders, a failing subscription, render tasks),"
              + " to see the web console at /console at work")
  boolean demo;

  @Override
  public Integer call() throws InterruptedException {
    // why: begun before anything else, it runs alongside reading options and creating Warren
    // (docs/server-startup.md)
    ServerWarmup warmup = ServerWarmup.begin();
    CliContext ctx = CliContext.of(spec);
    ServerOptions.Builder b =
        ServerOptions.fromEnvironment(ctx.environment()).toBuilder().insecure(insecure);
    if (host != null) {
      b.host(host);
    }
    if (port != null) {
      b.port(port);
    }
    ServerOptions options = b.build();
    WarrenOptions warrenOptions = ctx.options();
    if (warrenOptions.memoryBroker() == null) {
      warrenOptions = warrenOptions.toBuilder().memoryBroker(MEMORY_BROKER).build();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Warren warren = ctx.connect(warrenOptions);
    WarrenServer server = WarrenServer.start(options, warren, warmup);
    ctx.out()
        .println(
            "warren server listening on "
                + server.scheme()
                + "://"
                + options.host()
                + ":"
                + server.port());
    DemoTraffic traffic = demo ? DemoTraffic.start(warren, Duration.ofSeconds(1)) : null;
    if (traffic != null) {
      ctx.out()
          .println(
              "demo traffic: an order a second, billing dead-letters every 7th and 11th; open "
                  + server.scheme()
                  + "://"
                  + options.host()
                  + ":"
                  + server.port()
                  + "/console");
    }
    ctx.out().flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (traffic != null) {
                    traffic.close();
                  }
                  server.stop();
                  stopped.countDown();
                },
                "warren-server-shutdown"));
    stopped.await();
    return WarrenCli.EXIT_OK;
  }
}
