package dev.warren.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A RabbitMQ virtual host of a test's own on the real broker (127.0.0.1:5672 unless {@code
 * WARREN_TEST_RABBITMQ_HOST}/{@code _PORT} say otherwise), created with {@code rabbitmqctl} and
 * deleted on close. With {@code CI=true} an unreachable broker fails the test; otherwise the test
 * is skipped.
 */
public final class TestBroker implements AutoCloseable {
  private static final String HOST =
      System.getenv().getOrDefault("WARREN_TEST_RABBITMQ_HOST", "127.0.0.1");
  private static final int PORT =
      Integer.parseInt(System.getenv().getOrDefault("WARREN_TEST_RABBITMQ_PORT", "5672"));

  private final String vhost;

  private TestBroker(String vhost) {
    this.vhost = vhost;
  }

  /**
   * @return a new virtual host; the test is skipped (or failed on CI) without a broker
   */
  public static TestBroker create() {
    requireBroker();
    String vhost = "warren-test-" + UUID.randomUUID().toString().substring(0, 8);
    ctl("add_vhost", vhost);
    ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    return new TestBroker(vhost);
  }

  /** Fails on CI, skips elsewhere, when RabbitMQ is not reachable. */
  public static void requireBroker() {
    boolean up = reachable();
    if (!up && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("RabbitMQ is not reachable at " + HOST + ":" + PORT + " (CI=true)");
    }
    Assumptions.assumeTrue(up, "RabbitMQ is not reachable at " + HOST + ":" + PORT);
  }

  private static boolean reachable() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, PORT), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * @return the virtual host's name
   */
  public String vhost() {
    return vhost;
  }

  /**
   * @return an amqp URI for guest on this virtual host
   */
  public String uri() {
    return "amqp://guest:guest@" + HOST + ":" + PORT + "/" + vhost;
  }

  /** Stops and starts the broker application, then waits until it accepts connections. */
  public void restartBroker() {
    ctl("stop_app");
    ctl("start_app");
    ctl("await_startup");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!reachable() && System.nanoTime() < deadline) {
      sleep(200);
    }
  }

  /** Closes every client connection, as a network blip would. */
  public void closeAllConnections() {
    ctl("close_all_connections", "test");
  }

  @Override
  public void close() {
    ctl("delete_vhost", vhost);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code rabbitmqctl} with the arguments.
   *
   * @param args the arguments
   */
  public static void ctl(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("rabbitmqctl", "-q"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run rabbitmqctl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running rabbitmqctl", e);
    }
  }
}
