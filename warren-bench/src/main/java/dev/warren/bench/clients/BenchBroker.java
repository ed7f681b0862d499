package dev.warren.bench.clients;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The virtual host a benchmark run works in: created fresh with {@code rabbitmqctl} (so queues of
 * an earlier run or of the tests cannot weigh on the broker) and deleted afterwards, or an existing
 * one when asked. Also the admin connection the harness purges queues with, outside measured time.
 */
public final class BenchBroker implements AutoCloseable {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final String host;
  private final int port;
  private final String username;
  private final String password;
  private final String vhost;
  private final boolean created;
  private Connection admin;
  private Channel channel;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BenchBroker(
      String host, int port, String username, String password, String vhost, boolean created)
      throws IOException, TimeoutException {
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
    this.vhost = vhost;
    this.created = created;
    connectAdmin();
  }

  /**
   * Connects, first creating a fresh virtual host unless one is named.
   *
   * @param amqpUri the broker, for example {@code amqp://guest:guest@127.0.0.1:5672}; a virtual
   *     host in it is ignored
   * @param vhost an existing virtual host to use, or {@code null} for a fresh one
   * @return the connected broker
   * @throws Exception when the broker cannot be reached or the virtual host not created
   */
  public static BenchBroker open(String amqpUri, String vhost) throws Exception {
    URI uri;
    try {
      uri = new URI(amqpUri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + amqpUri + "' is not an amqp:// URI", e);
    }
    if (!"amqp".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("'" + amqpUri + "' is not an amqp://host:port URI");
    }
    String user = "guest";
    String pass = "guest";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      pass = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
    }
    int port = uri.getPort() < 0 ? 5672 : uri.getPort();
    if (vhost != null) {
      return new BenchBroker(uri.getHost(), port, user, pass, vhost, false);
    }
    String name =
        "warren-bench-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current().pid();
    rabbitmqctl("add_vhost", name);
    try {
      rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*");
      return new BenchBroker(uri.getHost(), port, user, pass, name, true);
    } catch (Exception e) {
      deleteVhost(name);
      throw e;
    }
  }

  private static String rabbitmqctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run rabbitmqctl to create the benchmark's virtual host ("
              + e.getMessage()
              + "); run where rabbitmqctl works, or name an existing one with --vhost",
          e);
    }
    String output;
    try (InputStream in = p.getInputStream()) {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in 120 s");
      }
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + output);
    }
    return output;
  }

  private static void deleteVhost(String name) {
    // why: another process may restart the broker under the benchmark (fault-injection tests
    // do); the virtual host is deleted once it is back, rather than left behind
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        rabbitmqctl("delete_vhost", name);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          System.err.println(
              "warren-bench: could not delete virtual host "
                  + name
                  + " (delete it with: rabbitmqctl delete_vhost "
                  + name
                  + "): "
                  + e.getMessage());
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized void connectAdmin() throws IOException, TimeoutException {
    ConnectionFactory f = connectionFactory();
    // why: after a broker restart awaitAvailable() reconnects, at a moment the harness chooses
    f.setAutomaticRecoveryEnabled(false);
    admin = f.newConnection("warren-bench-admin");
    channel = admin.createChannel();
  }

  /**
   * Waits until the broker accepts connections again (after another process restarted it), and
   * reconnects the admin connection.
   *
   * @param timeout how long to wait
   * @throws Exception when the broker is still away after {@code timeout}
   */
  public void awaitAvailable(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        synchronized (this) {
          if (admin == null || !admin.isOpen() || !channel.isOpen()) {
            try {
              if (admin != null && admin.isOpen()) {
                admin.close();
              }
            } catch (IOException | RuntimeException e) {
              // replaced below
            }
            connectAdmin();
          }
        }
        return;
      } catch (IOException | TimeoutException | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("RabbitMQ did not come back within " + timeout + ": " + e, e);
        }
        Thread.sleep(2000);
      }
    }
  }

  /**
   * @return a new connection factory for this virtual host, with the client's defaults otherwise
   */
  public ConnectionFactory connectionFactory() {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(host);
    f.setPort(port);
    f.setUsername(username);
    f.setPassword(password);
    f.setVirtualHost(vhost);
    return f;
  }

  /**
   * @return an {@code amqp://} URI of this virtual host, for Warren's options
   */
  public String uri() {
    return "amqp://"
        + encode(username)
        + ":"
        + encode(password)
        + "@"
        + host
        + ":"
        + port
        + "/"
        + encode(vhost);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * @return the virtual host's name
   */
  public String vhost() {
    return vhost;
  }

  /**
   * @return whether this run created it (and deletes it when closed)
   */
  public boolean created() {
    return created;
  }

  /**
   * @return the broker's product and version, for example {@code RabbitMQ 3.10.8}
   */
  public String version() {
    Map<String, Object> p = admin.getServerProperties();
    return p.get("product") + " " + p.get("version");
  }

  /**
   * @return the broker's platform, for example {@code Erlang/OTP 25.2.3}
   */
  public String platform() {
    return String.valueOf(admin.getServerProperties().get("platform"));
  }

  /**
   * @param queue a queue
   * @throws IOException when it does not exist
   */
  public synchronized void purge(String queue) throws IOException {
    channel.queuePurge(queue);
  }

  /**
   * Waits until a queue has a consumer, so a round starts its clock with the consumer ready, the
   * same for a library that registers it asynchronously (Spring's container) as for one that does
   * not.
   *
   * @param queue a queue
   * @throws Exception when no consumer shows up within 30 s
   */
  public void awaitConsumer(String queue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (consumers(queue) == 0) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("no consumer on queue " + queue + " after 30 s");
      }
      Thread.sleep(10);
    }
  }

  private synchronized long consumers(String queue) throws IOException {
    return channel.consumerCount(queue);
  }

  /** Disconnects and deletes the virtual host if this run created it. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      admin.close();
    } catch (IOException | RuntimeException e) {
      // the virtual host goes below anyway, with whatever connection is left
    }
    if (created) {
      deleteVhost(vhost);
    }
  }
}
