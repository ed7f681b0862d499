package dev.warren.testkit;

import dev.warren.WarrenOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A virtual host of a test's own on a real RabbitMQ, created with {@code rabbitmqctl} and deleted
 * afterwards. The broker is {@code 127.0.0.1:5672} (guest/guest) unless {@code
 * WARREN_TEST_RABBITMQ_HOST} and {@code WARREN_TEST_RABBITMQ_PORT} say otherwise; {@code
 * WARREN_TEST_RABBITMQCTL} replaces the {@code rabbitmqctl} command (for example {@code docker exec
 * rabbitmq rabbitmqctl}). When the broker is not reachable the test is skipped, or fails when
 * {@code CI=true}.
 *
 * <p>As a JUnit extension it gives every test a new virtual host, deleted after the test and its
 * {@code @AfterEach} methods: declare a field {@code @RegisterExtension final TestBroker broker =
 * TestBroker.perTest();} and connect with {@code broker.options().build()} or {@code broker.uri()}.
 *
 * <p>Or by hand: {@code try (TestBroker broker = TestBroker.create()) { ... }}.
 *
 * <p>why: {@code rabbitmqctl} takes one to three seconds per call, so virtual hosts are made ahead,
 * several per call, on a background thread, and deleted the same way; a JVM shutdown hook deletes
 * what is left.
 */
public final class TestBroker implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
  private static final String HOST = env("WARREN_TEST_RABBITMQ_HOST", "127.0.0.1");
  private static final int PORT = Integer.parseInt(env("WARREN_TEST_RABBITMQ_PORT", "5672"));
  private static final String USER = "guest";
  private static final Duration BROKER_START_TIMEOUT = Duration.ofSeconds(90);

  private String vhost;

  private TestBroker(String vhost) {
    this.vhost = vhost;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /**
   * @return an extension that gives each test a new virtual host, for {@code @RegisterExtension}
   */
  public static TestBroker perTest() {
    return new TestBroker(null);
  }

  /**
   * @return a new virtual host, deleted by {@link #close()}; the calling test is skipped (failed
   *     with {@code CI=true}) when the broker is not reachable
   */
  public static TestBroker create() {
    requireBroker();
    return new TestBroker(VirtualHosts.take());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    requireBroker();
    vhost = VirtualHosts.take();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Skips the calling test when RabbitMQ is not reachable, or fails it when {@code CI=true}. */
  public static void requireBroker() {
    if (reachable()) {
      return;
    }
    String why =
        "RabbitMQ is not reachable at "
            + HOST
            + ":"
            + PORT
            + " (set WARREN_TEST_RABBITMQ_HOST/_PORT, or start one)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(why + "; CI=true, so this fails instead of skipping");
    }
    Assumptions.abort(why);
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
   * @return the broker's host
   */
  public String host() {
    return HOST;
  }

  /**
   * @return the broker's AMQP port
   */
  public int port() {
    return PORT;
  }

  /**
   * @return this test's virtual host
   */
  public String vhost() {
    if (vhost == null) {
      throw new IllegalStateException("no virtual host: use it inside a test, or call create()");
    }
    return vhost;
  }

  /**
   * @return an {@code amqp://} URI for guest on this test's virtual host
   */
  public String uri() {
    return "amqp://"
        + USER
        + ":guest@"
        + HOST
        + ":"
        + PORT
        + "/"
        + URLEncoder.encode(vhost(), StandardCharsets.UTF_8);
  }

  /**
   * @return options for the RabbitMQ transport on this test's virtual host
   */
  public WarrenOptions.Builder options() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.RABBITMQ)
        .rabbitmqUri(uri());
  }

  /**
   * Stops the broker application ({@code rabbitmqctl stop_app}): clients see their connections
   * dropped and reconnecting refused, until {@link #startBroker()}.
   */
  public void stopBroker() {
    ctl("stop_app");
  }

  /** Starts the broker application again and waits until it accepts connections. */
  public void startBroker() {
    ctl("start_app");
    ctl("await_startup");
    long deadline = System.nanoTime() + BROKER_START_TIMEOUT.toNanos();
    while (!reachable()) {
      if (System.nanoTime() - deadline > 0) {
        Assertions.fail(
            "RabbitMQ did not accept connections " + BROKER_START_TIMEOUT + " after start_app");
      }
      sleep(100);
    }
  }

  /** Stops and starts the broker application; durable queues and persistent messages survive. */
  public void restartBroker() {
    stopBroker();
    startBroker();
  }

  /** Closes every client connection on this test's virtual host, as a network blip would. */
  public void closeAllConnections() {
    ctl("close_all_connections", "--vhost", vhost(), "test");
  }

  /** Deletes the virtual host (in the background) and everything in it. Idempotent. */
  @Override
  public void close() {
    String v = vhost;
    vhost = null;
    if (v != null) {
      VirtualHosts.release(v);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code rabbitmqctl} (or {@code WARREN_TEST_RABBITMQCTL}) with the arguments.
   *
   * @param args the arguments
   * @return what it printed
   * @throws AssertionError when it fails
   */
  public static String ctl(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(env("WARREN_TEST_RABBITMQCTL", "rabbitmqctl").split(" +")));
    cmd.add("-q");
    cmd.addAll(List.of(args));
    synchronized (TestBroker.class) {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError(String.join(" ", cmd) + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
          throw new AssertionError(String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
      } catch (IOException e) {
        throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted running " + String.join(" ", cmd), e);
      }
    }
  }

  /**
   * Virtual hosts made ahead and deleted behind, several per {@code rabbitmqctl eval}, by one
   * background thread.
   */
  private static final class VirtualHosts {
    private static final int BATCH = 10;
    private static final String ACTOR = "<<\"warren-testkit\">>";
    private static final Duration STALE_AFTER = Duration.ofHours(1);
    private static final Deque<String> READY = new ArrayDeque<>();
    private static final List<String> DOOMED = new ArrayList<>();
    private static final ExecutorService WORKER =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "warren-testkit-rabbitmqctl");
              t.setDaemon(true);
              return t;
            });
    private static boolean refilling;
    private static boolean hookInstalled;
    private static boolean swept;

    private VirtualHosts() {}

    static String take() {
      synchronized (READY) {
        installHook();
        if (READY.isEmpty() && !refilling) {
          refill();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (READY.isEmpty()) {
          if (!refilling) {
            // why: the background attempt failed (the broker was stopped?); make one here
            String v = newName();
            create(List.of(v));
            return v;
          }
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            throw new AssertionError("no RabbitMQ virtual host after 120 s");
          }
          try {
            READY.wait(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for a virtual host", e);
          }
        }
        String v = READY.pollFirst();
        if (READY.size() <= BATCH / 2 && !refilling) {
          refill();
        }
        return v;
      }
    }

    /** Called with {@code READY} held. */
    private static void refill() {
      refilling = true;
      WORKER.execute(
          () -> {
            List<String> made = new ArrayList<>();
            try {
              List<String> names = new ArrayList<>();
              for (int i = 0; i < BATCH; i++) {
                names.add(newName());
              }
              create(names);
              made.addAll(names);
            } catch (AssertionError | RuntimeException e) {
              System.err.println(
                  "warren-testkit: could not create virtual hosts: " + e.getMessage());
            } finally {
              synchronized (READY) {
                READY.addAll(made);
                refilling = false;
                READY.notifyAll();
              }
            }
            deleteDoomed();
            if (!swept) {
              swept = true;
              sweepStale();
            }
          });
    }

    static void release(String vhost) {
      synchronized (READY) {
        DOOMED.add(vhost);
        // why: making virtual hosts comes first, tests wait for them; deleting can wait
        if (DOOMED.size() >= BATCH && READY.size() > BATCH / 2) {
          WORKER.execute(VirtualHosts::deleteDoomed);
        }
      }
    }

    private static void deleteDoomed() {
      List<String> now;
      synchronized (READY) {
        now = new ArrayList<>(DOOMED);
        DOOMED.clear();
      }
      if (!now.isEmpty()) {
        try {
          delete(now);
        } catch (AssertionError | RuntimeException e) {
          // why: the broker may be stopped by a test right now; try again with the next batch
          synchronized (READY) {
            DOOMED.addAll(now);
          }
        }
      }
    }

    private static void installHook() {
      if (hookInstalled) {
        return;
      }
      hookInstalled = true;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    List<String> left;
                    synchronized (READY) {
                      left = new ArrayList<>(DOOMED);
                      left.addAll(READY);
                      DOOMED.clear();
                      READY.clear();
                    }
                    if (!left.isEmpty()) {
                      try {
                        delete(left);
                      } catch (AssertionError | RuntimeException e) {
                        System.err.println(
                            "warren-testkit: could not delete virtual hosts "
                                + left
                                + ": "
                                + e.getMessage());
                      }
                    }
                  },
                  "warren-testkit-cleanup"));
    }

    /**
     * @return {@code warren-test-<creation time, epoch seconds in base 36>-<random>}
     */
    private static String newName() {
      return "warren-test-"
          + Long.toString(System.currentTimeMillis() / 1000, 36)
          + "-"
          + UUID.randomUUID().toString().substring(0, 6);
    }

    /**
     * Deletes test virtual hosts made more than an hour ago, left behind by test JVMs that were
     * killed before their shutdown hook ran. Best effort, once per JVM.
     */
    private static void sweepStale() {
      try {
        ctl(
            "eval",
            "Now = erlang:system_time(second), "
                + "Stale = [V || V <- rabbit_vhost:list_names(), "
                + "case binary:split(V, <<\"-\">>, [global]) of "
                + "[<<\"warren\">>, <<\"test\">>, T, _] -> "
                + "(catch binary_to_integer(T, 36)) < Now - "
                + STALE_AFTER.toSeconds()
                + "; _ -> false end], "
                + "[rabbit_vhost:delete(V, "
                + ACTOR
                + ") || V <- Stale], length(Stale).");
      } catch (AssertionError | RuntimeException e) {
        // best effort: a broker without these internals keeps its old virtual hosts
      }
    }

    private static String erlangList(List<String> names) {
      StringBuilder b = new StringBuilder("[");
      for (String n : names) {
        if (b.length() > 1) {
          b.append(", ");
        }
        b.append("<<\"").append(n).append("\">>");
      }
      return b.append("]").toString();
    }

    private static void create(List<String> names) {
      try {
        String out =
            ctl(
                "eval",
                "[begin ok = rabbit_vhost:add(V, "
                    + ACTOR
                    + "), ok = rabbit_auth_backend_internal:set_permissions(<<\""
                    + USER
                    + "\">>, V, <<\".*\">>, <<\".*\">>, <<\".*\">>, "
                    + ACTOR
                    + ") end || V <- "
                    + erlangList(names)
                    + "], ok.");
        if (out.strip().toLowerCase(Locale.ROOT).endsWith("ok")) {
          return;
        }
      } catch (AssertionError e) {
        // why: eval runs broker internals that may change between versions; fall back below
      }
      for (String v : names) {
        ctl("add_vhost", v);
        ctl("set_permissions", "-p", v, USER, ".*", ".*", ".*");
      }
    }

    private static void delete(List<String> names) {
      try {
        String out =
            ctl(
                "eval",
                "[rabbit_vhost:delete(V, " + ACTOR + ") || V <- " + erlangList(names) + "], ok.");
        if (out.strip().toLowerCase(Locale.ROOT).endsWith("ok")) {
          return;
        }
      } catch (AssertionError e) {
        // fall back below
      }
      for (String v : names) {
        ctl("delete_vhost", v);
      }
    }
  }
}
