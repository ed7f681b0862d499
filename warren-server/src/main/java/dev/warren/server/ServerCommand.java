package dev.warren.server;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code warren server}: serves HTTP until interrupted. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Serve Warren over HTTP: CloudEvents in, Server-Sent Events out, queues, health.")
public final class ServerCommand implements Callable<Integer> {
  @Option(
      names = "--host",
      description = "Address to bind (env WARREN_HTTP_HOST, default 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "Port (env WARREN_HTTP_PORT, default 8080)")
  Integer port;

  @Option(names = "--insecure", description = "Allow a non-loopback host without API keys")
  boolean insecure;

  /** Creates the command; picocli fills in the options. */
  public ServerCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    ServerOptions.Builder b = ServerOptions.fromEnvironment().toBuilder().insecure(insecure);
    if (host != null) {
      b.host(host);
    }
    if (port != null) {
      b.port(port);
    }
    ServerOptions options = b.build();
    // why: begun before Warren.create, it runs alongside it (docs/server-startup.md)
    ServerWarmup warmup = ServerWarmup.begin();
    CountDownLatch stopped = new CountDownLatch(1);
    try (Warren warren = Warren.create(WarrenOptions.fromEnvironment())) {
      WarrenServer server = WarrenServer.start(options, warren, warmup);
      System.out.println(
          "warren server listening on http://" + options.host() + ":" + server.port());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.stop();
                    stopped.countDown();
                  },
                  "warren-server-shutdown"));
      stopped.await();
    }
    return 0;
  }
}
