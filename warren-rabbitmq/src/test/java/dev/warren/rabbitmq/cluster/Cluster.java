package dev.warren.rabbitmq.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.warren.WarrenOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The 3-node RabbitMQ cluster that {@code .ci/rabbitmq-cluster} runs on loopback, for fault tests:
 * a virtual host of the test's own on it, the nodes' addresses, and the faults (kill a node, start
 * it again, raise a disk alarm).
 *
 * <p>Found through the variables {@code .ci/test} sets: {@code WARREN_TEST_CLUSTER} (the AMQP
 * {@code host:port}s), {@code WARREN_TEST_CLUSTER_NODES} (the Erlang node names, in the same
 * order), {@code WARREN_TEST_CLUSTER_MANAGEMENT} (the management URLs) and {@code
 * WARREN_TEST_CLUSTER_SCRIPT} (the script); without them, the script's defaults. When the cluster
 * is not running the test is skipped, or fails with {@code CI=true}.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension final Cluster cluster = new Cluster();}) it
 * makes sure before each test that every node runs, and after it clears disk alarms, starts the
 * nodes a test killed and deletes the virtual host.
 */
final class Cluster implements BeforeEachCallback, AfterEachCallback {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTH =
      "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
  private static final Duration CTL_TIMEOUT = Duration.ofSeconds(150);

  private final List<String> addresses =
      split(env("WARREN_TEST_CLUSTER", "127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703"));
  private final List<String> nodes =
      split(
          env(
              "WARREN_TEST_CLUSTER_NODES",
              "warren-c1@localhost,warren-c2@localhost,warren-c3@localhost"));
  private final List<String> management =
      split(
          env(
              "WARREN_TEST_CLUSTER_MANAGEMENT",
              "http://127.0.0.1:15701,http://127.0.0.1:15702,http://127.0.0.1:15703"));
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final List<Integer> diskAlarms = new ArrayList<>();
  private String vhost;

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    for (String s : list.split(",")) {
      out.add(s.trim());
    }
    return List.copyOf(out);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Path script = script();
    String why = null;
    if (addresses.size() != 3 || nodes.size() != 3 || management.size() != 3) {
      why = "WARREN_TEST_CLUSTER, _NODES and _MANAGEMENT must name three nodes each";
    } else if (script == null) {
      why = "no .ci/rabbitmq-cluster script found (set WARREN_TEST_CLUSTER_SCRIPT)";
    } else if (running().isEmpty()) {
      why =
          "no RabbitMQ cluster node is reachable at "
              + String.join(",", addresses)
              + " (run .ci/test, or .ci/rabbitmq-cluster start)";
    }
    if (why != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("cluster fault test: " + why + "; CI=true, so this fails instead");
      }
      Assumptions.abort("cluster fault test skipped: " + why);
    }
    // why: a node killed by a test that was itself killed comes back here, and rejoins
    if (running().size() < 3) {
      run("start");
    }
    vhost = "warren-cluster-" + UUID.randomUUID().toString().substring(0, 8);
    http("PUT", "/api/vhosts/" + enc(vhost), "{}");
    http(
        "PUT",
        "/api/permissions/" + enc(vhost) + "/guest",
        "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (vhost == null) {
      return; // why: JUnit calls this after a skipped beforeEach too; there is nothing to undo
    }
    try {
      List<Integer> raised = List.copyOf(diskAlarms);
      for (int node : raised) {
        clearDiskAlarm(node);
      }
      if (running().size() < 3) {
        run("start");
      }
    } finally {
      http("DELETE", "/api/vhosts/" + enc(vhost), null);
      vhost = null;
    }
  }

  /**
   * @return options for the RabbitMQ transport with the three nodes, on this test's virtual host
   */
  WarrenOptions.Builder options() {
    return WarrenOptions.builder()
        .transport(WarrenOptions.TransportKind.RABBITMQ)
        .rabbitmqUri(
            "amqp://guest:guest@"
                + addresses.get(0)
                + "/"
                + enc(vhost())
                + ","
                + addresses.get(1)
                + ","
                + addresses.get(2))
        .managementUrl(management.get(0))
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  String vhost() {
    if (vhost == null) {
      throw new IllegalStateException("no virtual host outside a test");
    }
    return vhost;
  }

  /**
   * @return the Erlang name of node {@code i} (1 to 3)
   */
  String nodeName(int i) {
    return nodes.get(i - 1);
  }

  /**
   * @param name an Erlang node name, as the management API reports it
   * @return its number, 1 to 3
   */
  int nodeNumber(String name) {
    int i = nodes.indexOf(name);
    if (i < 0) {
      throw new AssertionError("node " + name + " is not one of " + nodes);
    }
    return i + 1;
  }

  /**
   * @return the numbers of the nodes whose AMQP port accepts connections
   */
  List<Integer> running() {
    List<Integer> up = new ArrayList<>();
    for (int i = 1; i <= addresses.size(); i++) {
      if (reachable(addresses.get(i - 1))) {
        up.add(i);
      }
    }
    return up;
  }

  private static boolean reachable(String hostPort) {
    Address a = Address.parseAddress(hostPort);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(a.getHost(), a.getPort()), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * SIGKILLs node {@code i}'s Erlang VM (a crash, not a shutdown) and waits until it has exited.
   *
   * @param i the node
   * @param atSignal runs right after the signal is sent, to note what happened before the crash
   */
  void kill(int i, Runnable atSignal) {
    long pid = Long.parseLong(run("pid", String.valueOf(i)).strip());
    ProcessHandle vm =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new AssertionError("node " + i + "'s pid " + pid + " is gone"));
    // why: signalled from here rather than by the script, so the test knows the moment
    if (!vm.destroyForcibly()) {
      throw new AssertionError("could not SIGKILL node " + i + " (pid " + pid + ")");
    }
    atSignal.run();
    try {
      vm.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("node " + i + " (pid " + pid + ") still runs after SIGKILL", e);
    }
  }

  /** Starts node {@code i} again and waits until it has rejoined the cluster. */
  void start(int i) {
    run("start", String.valueOf(i));
  }

  /**
   * @return the nodes this test's virtual host has client connections on, one entry per connection
   */
  List<Integer> connectionNodes() {
    for (int i : running()) {
      // why: the JSON formatter prints pids without their node; the table names it:
      // <name@host.1.2.3>
      String listed = ctl(i, "list_connections", "--no-table-headers", "pid", "vhost");
      List<Integer> out = new ArrayList<>();
      for (String line : listed.split("\n")) {
        String[] cols = line.strip().split("\t");
        if (cols.length == 2 && (vhost().equals(cols[0]) || vhost().equals(cols[1]))) {
          out.add(nodeOfPid(cols[0].startsWith("<") ? cols[0] : cols[1]));
        }
      }
      return out;
    }
    throw new AssertionError("no cluster node runs");
  }

  /**
   * @param queue a queue of this test's virtual host
   * @return the nodes of the connections that consume from it, one entry per consumer
   */
  List<Integer> consumerNodes(String queue) {
    for (int i : running()) {
      String listed =
          ctl(
              i,
              "list_consumers",
              "-p",
              vhost(),
              "--no-table-headers",
              "channel_pid",
              "queue_name");
      List<Integer> out = new ArrayList<>();
      for (String line : listed.split("\n")) {
        String[] cols = line.strip().split("\t");
        // why: rabbitmqctl prints the columns in its own order, not in the order asked for
        if (cols.length == 2 && (queue.equals(cols[0]) || queue.equals(cols[1]))) {
          out.add(nodeOfPid(cols[0].startsWith("<") ? cols[0] : cols[1]));
        }
      }
      return out;
    }
    throw new AssertionError("no cluster node runs");
  }

  private int nodeOfPid(String pid) {
    for (int n = 1; n <= nodes.size(); n++) {
      if (pid.startsWith("<" + nodes.get(n - 1) + ".")) {
        return n;
      }
    }
    throw new AssertionError("pid " + pid + " is on none of " + nodes);
  }

  /**
   * @param queue a queue of this test's virtual host
   * @return the management API's view of it
   */
  JsonNode queue(String queue) {
    return parse(http("GET", "/api/queues/" + enc(vhost()) + "/" + enc(queue), null));
  }

  /**
   * @param queue a queue of this test's virtual host
   * @return the node that leads it (a quorum queue) or holds it (a classic queue)
   */
  int queueNode(String queue) {
    JsonNode q = queue(queue);
    String node = q.hasNonNull("leader") ? q.get("leader").asText() : q.path("node").asText();
    return nodeNumber(node);
  }

  /**
   * @param queue a quorum queue of this test's virtual host
   * @return the node that leads it now, as {@code rabbitmqctl list_queues} reports it
   */
  int quorumLeader(String queue) {
    for (int i : running()) {
      String listed = ctl(i, "list_queues", "-p", vhost(), "--no-table-headers", "name", "leader");
      for (String line : listed.split("\n")) {
        String[] cols = line.strip().split("\t");
        if (cols.length == 2 && queue.equals(cols[0])) {
          return nodeNumber(cols[1]);
        }
      }
      throw new AssertionError("no queue " + queue + " in " + listed);
    }
    throw new AssertionError("no cluster node runs");
  }

  /**
   * Moves the leadership of a quorum queue to node {@code to} (RabbitMQ's own {@code
   * rabbit_quorum_queue:transfer_leadership/2}, as maintenance mode uses it).
   *
   * @return whether {@code to} leads it now
   */
  boolean transferLeadership(String queue, int to) {
    String out =
        ctl(
            running().get(0),
            "eval",
            "{ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(<<\""
                + vhost()
                + "\">>, queue, <<\""
                + queue
                + "\">>)), rabbit_quorum_queue:transfer_leadership(Q, '"
                + nodeName(to)
                + "').");
    return out.contains("migrated") && !out.contains("not_migrated");
  }

  /**
   * @param queue a queue of this test's virtual host
   * @return its queue type, {@code classic} or {@code quorum}
   */
  String queueType(String queue) {
    return queue(queue).path("type").asText();
  }

  /**
   * @param queue a queue of this test's virtual host
   * @return how many messages are ready in it now (a passive declare, not the management API's
   *     statistics, which lag by seconds)
   */
  long messageCount(String queue) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUsername("guest");
    f.setPassword("guest");
    f.setVirtualHost(vhost());
    f.setAutomaticRecoveryEnabled(false);
    f.setConnectionTimeout(2000);
    List<Address> live = new ArrayList<>();
    for (int i : running()) {
      live.add(Address.parseAddress(addresses.get(i - 1)));
    }
    try (Connection c = f.newConnection(live, "warren-cluster-test-probe");
        Channel ch = c.createChannel()) {
      return ch.queueDeclarePassive(queue).getMessageCount();
    }
  }

  /** Raises a disk alarm on node {@code i}: its free disk limit becomes 1000 GB. */
  void raiseDiskAlarm(int i) {
    diskAlarms.add(i);
    ctl(i, "set_disk_free_limit", "1000GB");
  }

  /** Clears the disk alarm of node {@code i}: its free disk limit is 50 MB again, the default. */
  void clearDiskAlarm(int i) {
    ctl(i, "set_disk_free_limit", "50MB");
    diskAlarms.remove(Integer.valueOf(i));
  }

  /**
   * @return rabbitmqctl's output on node {@code i}
   */
  String ctl(int i, String... args) {
    List<String> all = new ArrayList<>(List.of("ctl", String.valueOf(i), "-q"));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  private String run(String... args) {
    Path script = script();
    if (script == null) {
      throw new AssertionError("no .ci/rabbitmq-cluster script");
    }
    List<String> cmd = new ArrayList<>(List.of(script.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(CTL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish in " + CTL_TIMEOUT);
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

  private static Path script() {
    String given = System.getenv("WARREN_TEST_CLUSTER_SCRIPT");
    if (given != null && !given.isBlank()) {
      Path p = Path.of(given.trim());
      return Files.isExecutable(p) ? p : null;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve(".ci/rabbitmq-cluster");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Calls the management API of the first node that answers. */
  private String http(String method, String path, String body) {
    AssertionError last = null;
    for (int i : running()) {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(URI.create(management.get(i - 1) + path))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", AUTH)
              .header("Content-Type", "application/json");
      r.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      try {
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 == 2) {
          return res.body();
        }
        last = new AssertionError(method + " " + path + ": " + res.statusCode() + " " + res.body());
        if (res.statusCode() / 100 == 4) {
          throw last;
        }
      } catch (IOException e) {
        last = new AssertionError(method + " " + path + " on node " + i + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted: " + method + " " + path, e);
      }
    }
    throw last != null ? last : new AssertionError("no cluster node runs");
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
