package dev.warren.rabbitmq.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The RabbitMQ node that {@code .ci/rabbitmq-tls} runs on loopback beside the default broker: AMQP
 * over TLS, plain AMQP, the certificates it generated, and {@code rabbitmqctl} on it (to raise a
 * resource alarm).
 *
 * <p>Found through the variables {@code .ci/test} sets ({@code WARREN_TEST_TLS_DIR}, {@code _PORT},
 * {@code _AMQP_PORT}, {@code _PASSWORD}, {@code _SCRIPT}), else the script's defaults. When the
 * node is not running, {@link #require()} skips the test with the reason, or fails it with {@code
 * CI=true}.
 */
public final class TlsNode {
  /** The directory of the certificates (see {@code .ci/rabbitmq-tls} for its files). */
  public static final Path CERTS =
      Path.of(
          env(
              "WARREN_TEST_TLS_DIR",
              Path.of(env("TMPDIR", "/tmp"), "warren-tls", "certs").toString()));

  /** The TLS listener's port on 127.0.0.1. */
  public static final int TLS_PORT = Integer.parseInt(env("WARREN_TEST_TLS_PORT", "5671"));

  /** The plain AMQP listener's port on 127.0.0.1. */
  public static final int AMQP_PORT = Integer.parseInt(env("WARREN_TEST_TLS_AMQP_PORT", "5681"));

  /** The password of the key store and the trust stores. */
  public static final String PASSWORD = env("WARREN_TEST_TLS_PASSWORD", "warren-test-secret");

  private TlsNode() {}

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /**
   * @param name a file of the certificate directory, such as {@code ca.pem}
   * @return its path
   */
  public static Path cert(String name) {
    return CERTS.resolve(name);
  }

  /** Skips the calling test when the node is not running (fails it with {@code CI=true}). */
  public static void require() {
    String why = null;
    if (script() == null) {
      why = "no .ci/rabbitmq-tls script found (set WARREN_TEST_TLS_SCRIPT)";
    } else if (!Files.isReadable(cert("ca.pem"))) {
      why = "no certificates in " + CERTS + " (run .ci/rabbitmq-tls start)";
    } else if (!open(TLS_PORT) || !open(AMQP_PORT)) {
      why =
          "the TLS test node is not listening on 127.0.0.1:"
              + TLS_PORT
              + " and :"
              + AMQP_PORT
              + " (run .ci/test, or .ci/rabbitmq-tls start)";
    }
    if (why != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("TLS node test: " + why + "; CI=true, so this fails instead");
      }
      Assumptions.abort("TLS node test skipped: " + why);
    }
  }

  private static boolean open(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path script() {
    String set = System.getenv("WARREN_TEST_TLS_SCRIPT");
    if (set != null && !set.isBlank()) {
      return Path.of(set);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".ci/rabbitmq-tls");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Runs {@code rabbitmqctl} on the node, for example {@code ctl("set_disk_free_limit", "1000GB")}.
   *
   * @param args its arguments
   * @return what it printed
   */
  public static String ctl(String... args) {
    List<String> command = new ArrayList<>(List.of(script().toString(), "ctl"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " took over 120 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run rabbitmqctl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
