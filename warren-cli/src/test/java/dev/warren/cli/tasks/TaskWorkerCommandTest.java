package dev.warren.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.cli.WarrenCli;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskTransition;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code warren tasks worker} on the in-memory transport and store. */
@Timeout(60)
class TaskWorkerCommandTest {
  private String prefix;
  private String queue;
  private String task;
  private Warren submitter;
  private TaskWorkerCommand command;
  private CompletableFuture<Integer> exit;
  private final StringWriter err = new StringWriter();
  private HttpServer http;

  @BeforeEach
  void start() {
    prefix = "w" + UUID.randomUUID().toString().substring(0, 8);
    queue = prefix + ".tasks";
    task = prefix + ".job";
    submitter = connect();
  }

  @AfterEach
  void stop() throws Exception {
    if (command != null) {
      command.stop();
      exit.get(30, TimeUnit.SECONDS);
    }
    submitter.close();
    if (http != null) {
      http.stop(0);
    }
  }

  /** The worker's instances meet the test's submitter on this broker and exchange. */
  private Map<String, String> env() {
    return Map.of(
        "WARREN_TRANSPORT", "memory",
        "WARREN_MEMORY_BROKER", "warren-cli-task-worker-tests",
        "WARREN_EXCHANGE", prefix + ".events");
  }

  private Warren connect() {
    return Warren.create(WarrenOptions.fromEnvironment(env()));
  }

  /**
   * Runs {@code warren tasks worker …} as {@code warren} runs it, with the test's own command
   * object (to stop it) and environment.
   */
  private static CommandLine commandLine(
      Map<String, String> env, TaskWorkerCommand c, StringWriter err) {
    CommandLine root = new WarrenCli(env, new ByteArrayInputStream(new byte[0])).commandLine();
    CommandLine tasks = root.getSubcommands().get("tasks");
    tasks.getCommandSpec().removeSubcommand("worker");
    tasks.addSubcommand(c);
    root.setOut(new PrintWriter(new StringWriter(), true));
    root.setErr(new PrintWriter(err, true));
    return root;
  }

  private static String[] tasksWorker(List<String> args) {
    List<String> all = new java.util.ArrayList<>(List.of("tasks", "worker"));
    all.addAll(args);
    return all.toArray(String[]::new);
  }

  private void worker(String... args) throws InterruptedException {
    command = new TaskWorkerCommand();
    CommandLine cl = commandLine(env(), command, err);
    List<String> all = new java.util.ArrayList<>(List.of("--task", task, "--queue", queue));
    all.addAll(List.of(args));
    // why: a thread of its own; on the common pool the worker would hold one of its few threads
    exit = new CompletableFuture<>();
    Thread t = new Thread(() -> exit.complete(cl.execute(tasksWorker(all))), "task-worker-command");
    t.setDaemon(true);
    t.start();
    assertThat(command.awaitRunning(Duration.ofSeconds(20))).as(err.toString()).isTrue();
  }

  private TaskStatus run(Object args) {
    TaskHandle<?> h =
        submitter
            .tasks()
            .submit(task, args, TaskOptions.builder().queue(queue).maxRetries(0).build());
    return h.await(Duration.ofSeconds(30));
  }

  @Test
  void anExecWorkerReportsProgressAndReturnsStdoutAsTheResult() throws Exception {
    worker(
        "--exec",
        "read a; echo \"progress 0.5 {}\" >&2; echo \"{\\\"ok\\\":true}\"",
        "--workers",
        "2");

    TaskStatus s = run(Map.of("x", 1));

    assertThat(s.state()).as(err.toString()).isEqualTo(TaskState.SUCCESS);
    assertThat(s.result()).isEqualTo("{\"ok\":true}");
    assertThat(s.progress()).isEqualTo(0.5);
    assertThat(s.progressMeta()).isEqualTo("{}");
    assertThat(s.history().stream().map(TaskTransition::state))
        .containsExactly(
            TaskState.PENDING, TaskState.STARTED, TaskState.PROGRESS, TaskState.SUCCESS);
  }

  @Test
  void theArgumentsArriveOnStandardInput() throws Exception {
    worker("--exec", "cat");

    assertThat(run(Map.of("x", List.of(1, 2))).result()).isEqualTo("{\"x\":[1,2]}");
    assertThat(run(null).result()).isNull();
  }

  @Test
  void aFailingCommandFailsTheTaskWithItsStandardError() throws Exception {
    worker("--exec", "echo 'no such image' >&2; exit 3");

    TaskStatus s = run(Map.of());

    assertThat(s.state()).isEqualTo(TaskState.FAILURE);
    assertThat(s.error().message()).contains("exited with code 3").endsWith(": no such image");
  }

  @Test
  void aRevokedTaskKillsItsCommand() throws Exception {
    worker("--exec", "echo 'progress 0.1' >&2; sleep 30");
    TaskHandle<?> h =
        submitter.tasks().submit(task, null, TaskOptions.builder().queue(queue).build());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.status().state() == TaskState.PROGRESS);

    h.revoke();

    TaskStatus s = h.await(Duration.ofSeconds(10));
    assertThat(s.state()).isEqualTo(TaskState.REVOKED);
    assertThat(s.history().getLast().detail()).contains("it stopped");
  }

  @Test
  void aForwardWorkerPostsTheArgumentsAndTakesTheBody() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/run",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String id = ex.getRequestHeaders().getFirst("Warren-Task-Id");
          byte[] out =
              ("{\"got\":" + body + ",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    http.createContext(
        "/fail",
        ex -> {
          byte[] out = "rejected: no such user".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(422, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        });
    http.start();
    String base = "http://127.0.0.1:" + http.getAddress().getPort();
    worker("--forward", base + "/run");

    TaskStatus ok = run(Map.of("n", 7));

    assertThat(ok.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(ok.result()).isEqualTo("{\"got\":{\"n\":7},\"id\":\"" + ok.id() + "\"}");

    command.stop();
    exit.get(30, TimeUnit.SECONDS);
    worker("--forward", base + "/fail");
    TaskStatus failed = run(Map.of("n", 8));
    assertThat(failed.state()).isEqualTo(TaskState.FAILURE);
    assertThat(failed.error().message()).contains("answered 422: rejected: no such user");
    assertThat(failed.error().type()).isEqualTo(dev.warren.NonRetryableException.class.getName());
  }

  @Test
  void badInputIsAUsageErrorBeforeConnecting() {
    // why: a broker nobody listens on: connecting would fail with exit code 1, not 2
    Map<String, String> nowhere =
        Map.of(
            "WARREN_TRANSPORT", "rabbitmq",
            "WARREN_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:1",
            "WARREN_CONNECT_TIMEOUT", "1s");
    for (String[] args :
        List.of(
            new String[] {"--task", "t"},
            new String[] {"--task", "t", "--exec", "true", "--forward", "http://localhost/"},
            new String[] {"--task", "t", "--exec", " "},
            new String[] {"--task", "t", "--forward", "ftp://host/x"},
            new String[] {"--task", "t", "--forward", "not a url"},
            new String[] {"--task", "t", "--exec", "true", "--workers", "0"},
            new String[] {"--task", "t", "--exec", "true", "--queue", "no spaces"},
            new String[] {"--exec", "true"})) {
      StringWriter errors = new StringWriter();
      CommandLine cl = commandLine(nowhere, new TaskWorkerCommand(), errors);
      assertThat(cl.execute(tasksWorker(List.of(args))))
          .as(List.of(args) + ": " + errors)
          .isEqualTo(2);
    }
  }

  @Test
  void anInvalidTaskNameIsAUsageError() {
    CommandLine cl = commandLine(env(), new TaskWorkerCommand(), err);
    assertThat(cl.execute(tasksWorker(List.of("--task", "bad name!", "--exec", "true"))))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--task: task name 'bad name!' is invalid");
  }

  @Test
  void itIsASubcommandOfTasks() {
    CommandLine tasks = new CommandLine(new TasksCommand());
    assertThat(tasks.getSubcommands()).containsKey("worker");
  }
}
