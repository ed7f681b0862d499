package dev.warren.redis;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warren.CeleryOptions;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.tasks.TaskFailedException;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.WarrenOnTransport;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Warren and a real Celery (Debian's {@code python3-celery}, 5.2) on the same RabbitMQ virtual host
 * and Redis database: a Celery worker runs {@code py.*} tasks on queue {@code celery}, Warren's
 * worker runs {@code java.*} tasks on queue {@code warren}, and a Celery client ({@code
 * celery/interop.py}) sends tasks to Warren and reads their outcomes with {@code
 * AsyncResult.get()}. Skipped without Celery, failed with {@code CI=true}. Redis database {@value
 * #DEFAULT_DB} (or {@code WARREN_TEST_CELERY_REDIS_DB}) is used, because Celery 5.2's Redis backend
 * has no key prefix; the test deletes its {@code celery-task-meta-*} keys.
 */
@Timeout(value = 240, unit = SECONDS)
class CeleryInteropTest {
  static final int DEFAULT_DB = 13;
  private static final String PYTHON = "/usr/bin/python3";

  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final List<String> workerLog = new CopyOnWriteArrayList<>();
  private String redisUrl;

  @BeforeEach
  void celeryIsThere() throws Exception {
    boolean present = false;
    if (new File(PYTHON).canExecute()) {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import celery, redis")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(60, SECONDS) && p.exitValue() == 0;
    }
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      // why: with CI=true a missing part is a failure, never a skip (.ci/services installs it)
      Assertions.fail("no Celery (apt-get install python3-celery python3-redis); CI=true");
    }
    Assumptions.assumeTrue(present, "no Celery: apt-get install python3-celery python3-redis");
    TestRedis.newPrefix("celery");
    String db = System.getenv().getOrDefault("WARREN_TEST_CELERY_REDIS_DB", "" + DEFAULT_DB);
    URI base = URI.create(TestRedis.BASE_URL);
    redisUrl =
        "redis://" + base.getHost() + ":" + (base.getPort() < 0 ? 6379 : base.getPort()) + "/" + db;
    try (InputStream in = getClass().getResourceAsStream("/celery/interop.py")) {
      Files.copy(in, dir.resolve("interop.py"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @AfterEach
  void stopCeleryAndCleanRedis() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(15, SECONDS)) {
        p.destroyForcibly().waitFor(15, SECONDS);
      }
    }
    if (redisUrl != null) {
      try (JedisPooled r = new JedisPooled(URI.create(redisUrl))) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page =
              r.scan(cursor, new ScanParams().match("celery-task-meta-*").count(500));
          for (String key : page.getResult()) {
            r.del(key);
          }
          cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
      }
    }
  }

  private Map<String, String> env(String backend) {
    Map<String, String> env = new HashMap<>();
    env.put("BROKER", broker.uri());
    env.put("BACKEND", backend);
    env.put("PYTHONPATH", dir.toString());
    env.put("PYTHONUNBUFFERED", "1");
    return env;
  }

  /** A Celery worker on queue {@code celery}, one process, its log kept for failure messages. */
  private void startCeleryWorker(String backend) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                PYTHON,
                "-m",
                "celery",
                "-A",
                "interop",
                "worker",
                "-Q",
                "celery",
                "--pool=solo",
                "-n",
                "py@" + broker.vhost(),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO")
            .directory(dir.toFile())
            .redirectErrorStream(true);
    pb.environment().putAll(env(backend));
    Process p = pb.start();
    processes.add(p);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  workerLog.add(line);
                }
              } catch (Exception e) {
                workerLog.add("log reader: " + e);
              }
            },
            "celery-worker-log");
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(60, SECONDS)
        .failFast("the Celery worker exited: " + workerLog, () -> !p.isAlive())
        .until(() -> workerLog.stream().anyMatch(l -> l.contains("ready.")));
  }

  /** Runs the Celery client's scenarios; returns each scenario's outcome by name. */
  private Map<String, JsonNode> client(String backend, String... scenarios) throws Exception {
    List<String> command = new ArrayList<>(List.of(PYTHON, dir.resolve("interop.py").toString()));
    command.addAll(List.of(scenarios));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env(backend));
    Process p = pb.start();
    processes.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(150, SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out + "\nworker: " + workerLog).isZero();
    Map<String, JsonNode> results = new HashMap<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("RESULT ")) {
        String[] parts = line.split(" ", 3);
        results.put(parts[1], JsonDataCodec.MAPPER.readTree(parts[2]));
      }
    }
    assertThat(results).as(out).hasSameSizeAs(scenarios);
    return results;
  }

  private Warren warren(String backend) {
    WarrenOptions options =
        broker
            .options()
            .connectTimeout(Duration.ofSeconds(10))
            .shutdownTimeout(Duration.ofSeconds(5))
            .celery(
                CeleryOptions.builder()
                    .queues(Set.of("warren"))
                    .resultBackend(backend)
                    .route("py.add", "celery")
                    .route("py.fail", "celery")
                    .build())
            .build();
    Warren warren = WarrenOnTransport.start(options, RabbitMqTransport.connect(options));
    warren
        .tasks()
        .register("java.echo", "warren", ctx -> JsonDataCodec.MAPPER.readTree(ctx.argsJson()));
    warren
        .tasks()
        .register(
            "java.fail",
            "warren",
            ctx -> {
              throw new IllegalArgumentException(
                  "java says no to " + ctx.args(JsonNode.class).path("args").get(0).asText());
            });
    warren.tasks().register("java.now", "warren", ctx -> System.currentTimeMillis());
    warren
        .tasks()
        .register(
            "java.double",
            "warren",
            ctx -> ctx.args(JsonNode.class).path("args").get(0).asLong() * 2);
    warren
        .tasks()
        .register(
            "java.block",
            "warren",
            ctx -> {
              long deadline = System.nanoTime() + SECONDS.toNanos(30);
              while (!ctx.isCancelled()
                  && !Thread.currentThread().isInterrupted()
                  && System.nanoTime() < deadline) {
                // why: a long task that stops when told; parks briefly between checks
                LockSupport.parkNanos(10_000_000L);
              }
              return ctx.isCancelled() ? "cancelled" : "ran to the end";
            });
    return warren;
  }

  @Test
  void celeryClientsRunTasksOnWarrenWithRedisResults() throws Exception {
    try (Warren warren = warren(redisUrl)) {
      startCeleryWorker(redisUrl);
      Map<String, JsonNode> r =
          client(
              redisUrl,
              "roundtrip",
              "failure",
              "unknown",
              "countdown",
              "revoke",
              "expired",
              "chain",
              "chain_failure",
              "link",
              "timelimit",
              "pickle");

      // args and kwargs arrive as sent; the handler's result is AsyncResult.get()'s value
      assertThat(r.get("roundtrip").get("ok"))
          .isEqualTo(
              JsonDataCodec.MAPPER.readTree("{\"args\":[1,\"two\"],\"kwargs\":{\"k\":[3,null]}}"));
      // a Java exception is raised in Python, by its simple name, with its message
      assertThat(r.get("failure").get("error").asText()).isEqualTo("IllegalArgumentException");
      assertThat(r.get("failure").get("message").asText()).contains("java says no to bad input");
      assertThat(r.get("failure").get("state").asText()).isEqualTo("FAILURE");
      assertThat(r.get("unknown").get("error").asText()).isEqualTo("TaskNotRegisteredException");
      // the countdown is honoured: never run before it is due
      assertThat(r.get("countdown").get("late_s").asDouble()).isGreaterThanOrEqualTo(2.9);
      assertThat(r.get("revoke").get("error").asText()).isEqualTo("TaskRevokedError");
      assertThat(r.get("revoke").get("state").asText()).isEqualTo("REVOKED");
      assertThat(r.get("expired").get("error").asText()).isEqualTo("TaskRevokedError");
      // Celery py.add(2, 3) -> Warren java.double -> Celery py.add(.., 100)
      assertThat(r.get("chain").get("ok").asLong()).isEqualTo(110);
      // a Warren step that fails fails the rest of the chain, as in Celery
      assertThat(r.get("chain_failure").get("error").asText())
          .isEqualTo("IllegalArgumentException");
      assertThat(r.get("chain_failure").get("message").asText()).contains("java says no to 5");
      // a link callback gets the Warren task's result: py.add(java.double(21), 1)
      assertThat(r.get("link").get("ok").asLong()).isEqualTo(43);
      // Celery's time_limit is Warren's hard limit
      assertThat(r.get("timelimit").get("error").asText()).isEqualTo("TaskTimeoutException");

      // a revoke reaches a task while it runs on Warren
      String running = client(redisUrl, "send_block").get("send_block").get("id").asText();
      await()
          .atMost(30, SECONDS)
          .until(() -> warren.tasks().task(running).status().state() == TaskState.STARTED);
      try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
        // STARTED is where Celery reads it, as with task_track_started
        await()
            .atMost(30, SECONDS)
            .until(
                () -> redis.get("celery-task-meta-" + running),
                meta -> meta != null && meta.contains("\"STARTED\""));
      }
      JsonNode revokedWhileRunning = client(redisUrl, "revoke_id:" + running).get("revoke_id");
      assertThat(revokedWhileRunning.get("error").asText()).isEqualTo("TaskRevokedError");
      assertThat(warren.tasks().task(running).status().history())
          .anyMatch(t -> String.valueOf(t.detail()).contains("revoked while running"));
      // a Celery message Warren cannot read goes to the dead-letter queue with the reason
      await()
          .atMost(30, SECONDS)
          .ignoreExceptions()
          .until(() -> warren.deadLetters("warren").count() == 1);
      assertThat(warren.deadLetters("warren").peek(1).get(0).errorMessage())
          .contains("JSON serializer only");

      // Warren -> Celery: the handle follows the Celery worker's result in Redis
      TaskHandle<Object> sum =
          warren.tasks().submit("py.add", List.of(40, 2), TaskOptions.defaults());
      assertThat(sum.result(Long.class, Duration.ofSeconds(30))).isEqualTo(42L);
      assertThat(sum.status().state()).isEqualTo(TaskState.SUCCESS);
      TaskHandle<Object> later =
          warren
              .tasks()
              .submit(
                  "py.add",
                  Map.of("x", 1, "y", 2),
                  TaskOptions.builder().countdown(Duration.ofSeconds(2)).build());
      assertThat(later.result(Long.class, Duration.ofSeconds(30))).isEqualTo(3L);
      TaskHandle<Object> failing =
          warren.tasks().submit("py.fail", List.of("from java"), TaskOptions.defaults());
      assertThatThrownBy(() -> failing.result(Object.class, Duration.ofSeconds(30)))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("python says no: from java");
      assertThat(failing.status().error().type()).isEqualTo("builtins.ValueError");
      // a revoke in Warren reaches the Celery worker holding the task until its countdown
      TaskHandle<Object> revoked =
          warren
              .tasks()
              .submit(
                  "py.add",
                  List.of(5, 5),
                  TaskOptions.builder().countdown(Duration.ofSeconds(3)).build());
      assertThat(revoked.revoke()).isTrue();
      assertThat(revoked.await(Duration.ofSeconds(30)).state()).isEqualTo(TaskState.REVOKED);
      try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
        await()
            .atMost(30, SECONDS)
            .until(
                () -> redis.get("celery-task-meta-" + revoked.id()),
                meta -> meta != null && meta.contains("\"REVOKED\""));
      }
    }
  }

  @Test
  void celeryClientsGetWarrenResultsOverRpc() throws Exception {
    try (Warren warren = warren("rpc://")) {
      Map<String, JsonNode> r = client("rpc://", "roundtrip", "failure");
      assertThat(r.get("roundtrip").get("ok").get("kwargs").get("k").get(0).asInt()).isEqualTo(3);
      assertThat(r.get("failure").get("error").asText()).isEqualTo("IllegalArgumentException");
      assertThatThrownBy(
              () -> warren.tasks().submit("py.add", List.of(1, 2), TaskOptions.defaults()))
          .hasMessageContaining("redis://");
    }
  }
}
