package dev.warren.examples.tasksapi;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.examples.Example;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.Expect;
import dev.warren.examples.Http;
import dev.warren.server.ServerOptions;
import dev.warren.server.WarrenServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Seed 004, an API with tasks and direct messaging. Two "processes", each a {@link Warren} instance
 * of its own: the API server ({@link WarrenServer}, which only submits and reads tasks) and a
 * worker that runs them ({@link ReportWorker}). The application talks to the server over HTTP only:
 *
 * <ol>
 *   <li>tasks ({@link TaskApi}): submits a report and an export, follows the report through its
 *       progress to SUCCESS and its result, revokes the export while it runs and sees it REVOKED;
 *   <li>direct messaging ({@link QueueApi}): declares a queue, sends five messages straight to it,
 *       peeks at three (they stay), purges it, deletes it.
 * </ol>
 *
 * <p>Messaging "disabled" in the seed's sense is Warren's embedded broker, "enabled" is RabbitMQ:
 * nothing in this class or the ones it uses looks at which; only {@link ExampleContext#options()}
 * differs.
 */
public final class TasksApiExample implements Example {
  static final String EXCHANGE = "warren.examples.tasks-api";
  static final String TASK_QUEUE = "examples.tasks-api.tasks";
  static final String OUTBOX = "examples.tasks-api.outbox";
  static final ReportWorker.Report REPORT = new ReportWorker.Report("2026-10", 5);
  static final ReportWorker.Export EXPORT = new ReportWorker.Export("ada", 100);
  static final int MESSAGES = 5;
  static final int PEEK = 3;

  @Override
  public String name() {
    return "tasks-api";
  }

  @Override
  public String title() {
    return "an API that submits, follows and revokes tasks and manages a queue, all over HTTP";
  }

  @Override
  public ExampleResult run(ExampleContext ctx) throws Exception {
    ctx.say("tasks-api: an application using tasks and direct messaging over Warren's HTTP API");
    ctx.say("  messaging:  %s", describe(ctx.options()));
    Map<String, Long> figures = new LinkedHashMap<>();
    List<String> facts = new ArrayList<>();
    try (Warren api = Warren.create(options(ctx, "tasks-api-server"))) {
      WarrenServer server = WarrenServer.start(ServerOptions.builder().port(0).build(), api);
      try (Http http = new Http(URI.create("http://127.0.0.1:" + server.port()))) {
        QueueApi queues = new QueueApi(http);
        boolean leftTaskQueue = queues.delete(TASK_QUEUE);
        boolean leftOutbox = queues.delete(OUTBOX);
        if (leftTaskQueue || leftOutbox) {
          ctx.say("  removed queues an earlier run left behind");
        }
        ctx.say("  server:     %s, task store %s", http.base(), api.tasks().describeStore());
        try (Warren worker = Warren.create(options(ctx, "tasks-api-worker"))) {
          ReportWorker.register(worker.tasks(), TASK_QUEUE);
          ctx.say(
              "  worker:     runs %s and %s from task queue %s, one at a time",
              ReportWorker.REPORT, ReportWorker.EXPORT, TASK_QUEUE);
          tasks(ctx, new TaskApi(http, ctx.timeout()), figures, facts);
        }
        Expect.that(queues.delete(TASK_QUEUE), "the task queue %s was gone already", TASK_QUEUE);
        ctx.say("tasks: worker stopped; DELETE /queues/%s: deleted", TASK_QUEUE);
        directMessaging(ctx, queues, figures, facts);
      } finally {
        server.stop();
      }
    }
    return new ExampleResult(
        name(),
        String.format(
            Locale.ROOT,
            "report SUCCESS with its result, export REVOKED at %d%%; %d sent, %d peeked, %d purged",
            figures.get("export-progress-percent"),
            figures.get("sent"),
            figures.get("peeked"),
            figures.get("purged")),
        figures,
        facts);
  }

  private static void tasks(
      ExampleContext ctx, TaskApi api, Map<String, Long> figures, List<String> facts)
      throws Exception {
    String report = api.submit(ReportWorker.REPORT, REPORT, TASK_QUEUE);
    String export = api.submit(ReportWorker.EXPORT, EXPORT, TASK_QUEUE);
    ctx.say("tasks: POST /tasks %s %s: 202, id %s", ReportWorker.REPORT, json(REPORT), report);
    ctx.say("tasks: POST /tasks %s %s: 202, id %s", ReportWorker.EXPORT, json(EXPORT), export);
    ctx.say("tasks: GET /tasks/%s: %s", export, api.get(export).describe());

    List<String> seen = new ArrayList<>();
    TaskApi.TaskView done = api.follow(report, TaskApi.TaskView::isFinal, seen);
    ctx.say("tasks: report, as polled: %s", String.join(" → ", seen));
    ReportWorker.ReportResult expected = ReportWorker.expected(REPORT);
    Expect.that(
        done.state().equals("SUCCESS")
            && Objects.equals(done.progress(), 1.0)
            && done.result() != null
            && expected.equals(
                Http.JSON.treeToValue(done.result(), ReportWorker.ReportResult.class))
            && done.history().containsAll(List.of("PENDING", "STARTED", "PROGRESS", "SUCCESS")),
        "the report should have succeeded at 100%% with %s, got %s",
        json(expected),
        done);
    ctx.say("tasks: report SUCCESS, history %s, result %s", done.history(), done.result());
    facts.add("report " + done.state() + " " + done.result());

    List<String> exportSeen = new ArrayList<>();
    TaskApi.TaskView running =
        api.follow(export, t -> t.progress() != null && t.progress() >= 0.1, exportSeen);
    ctx.say("tasks: export running, %s (%s)", running.describe(), running.progressMeta());
    TaskApi.TaskView asked = api.revoke(export);
    ctx.say("tasks: DELETE /tasks/%s: 202, %s; it stops at its next check", export, asked.state());
    TaskApi.TaskView revoked = api.follow(export, t -> t.state().equals("REVOKED"), exportSeen);
    Expect.that(
        revoked.progress() != null
            && revoked.progress() > 0
            && revoked.progress() < 1
            && revoked.result() == null,
        "the export should have been revoked part way, without a result, got %s",
        revoked);
    ctx.say(
        "tasks: export REVOKED after %s of %d files; no result",
        revoked.progressMeta().path("file"), EXPORT.files());
    facts.add("export REVOKED " + revoked.progressMeta());
    figures.put("tasks-submitted", 2L);
    figures.put("tasks-succeeded", 1L);
    figures.put("tasks-revoked", 1L);
    figures.put("report-progress-percent", Math.round(done.progress() * 100));
    figures.put("export-progress-percent", Math.round(revoked.progress() * 100));
  }

  private static void directMessaging(
      ExampleContext ctx, QueueApi queues, Map<String, Long> figures, List<String> facts)
      throws Exception {
    boolean created = queues.declare(OUTBOX);
    ctx.say("queues: PUT /queues/%s {\"durable\":true}: %s", OUTBOX, created ? 201 : 200);
    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= MESSAGES; i++) {
      sent.add(
          queues.send(
              OUTBOX,
              "notification.email",
              Map.of("to", "user" + i + "@example.com", "subject", "Your report is ready")));
    }
    ctx.say("queues: POST /queues/%s/messages ×%d: 202 each, confirmed", OUTBOX, MESSAGES);
    List<String> peeked =
        queues.peek(OUTBOX, PEEK).stream().map(m -> m.path("id").asText()).toList();
    ctx.say("queues: GET /queues/%s/messages?limit=%d: %s", OUTBOX, PEEK, peeked);
    Expect.that(
        peeked.equals(sent.subList(0, PEEK)),
        "peek showed %s, expected the first %d sent, %s",
        peeked,
        PEEK,
        sent);
    long held = awaitMessages(ctx, queues, MESSAGES);
    ctx.say("queues: GET /queues/%s: %d messages; peeking took none away", OUTBOX, held);
    long purged = queues.purge(OUTBOX);
    ctx.say("queues: DELETE /queues/%s/messages: purged %d", OUTBOX, purged);
    Expect.that(purged == MESSAGES, "purged %d messages, expected %d", purged, MESSAGES);
    boolean deleted = queues.delete(OUTBOX);
    long after = queues.messages(OUTBOX);
    Expect.that(deleted && after == -1, "the queue %s should be gone", OUTBOX);
    ctx.say("queues: DELETE /queues/%s: deleted; GET answers 404", OUTBOX);
    figures.put("sent", (long) sent.size());
    figures.put("peeked", (long) peeked.size());
    figures.put("held-after-peek", held);
    figures.put("purged", purged);
    facts.add("outbox sent " + sent.size() + ", peeked " + peeked.size() + ", purged " + purged);
  }

  // why: RabbitMQ counts a peeked message again only once its requeue is processed, which can
  // lag the peek's answer by a moment
  private static long awaitMessages(ExampleContext ctx, QueueApi queues, long expected)
      throws Exception {
    long deadline = System.nanoTime() + ctx.timeout().toNanos();
    long held = queues.messages(OUTBOX);
    while (held != expected && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
      held = queues.messages(OUTBOX);
    }
    Expect.that(
        held == expected,
        "%s holds %d messages after the peek, expected %d",
        OUTBOX,
        held,
        expected);
    return held;
  }

  private static WarrenOptions options(ExampleContext ctx, String instance) {
    return ctx.options().toBuilder().exchange(EXCHANGE).instanceId(instance).build();
  }

  private static String describe(WarrenOptions options) {
    return options.effectiveTransport() == WarrenOptions.TransportKind.RABBITMQ
        ? "enabled: RabbitMQ " + options.rabbitmqUriForDisplay()
        : "disabled: Warren's embedded broker in this process (WARREN_RABBITMQ_URL enables"
            + " RabbitMQ; the code stays the same)";
  }

  private static String json(Object value) {
    return Http.JSON.valueToTree(value).toString();
  }
}
