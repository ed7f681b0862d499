package dev.warren.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.TaskQuery;
import dev.warren.codec.JsonDataCodec;
import dev.warren.server.ApiKeys.ApiKey;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.TaskTransition;
import dev.warren.tasks.Tasks;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task endpoints, independent of the HTTP framework: each method takes the request's raw parts
 * (path parameter, query parameters, body text), validates them and returns a {@link Reply} (status
 * code and JSON body), or throws a {@link Problem}: 400 naming the bad field, 404 for an unknown
 * task, 501 when the task store cannot list, 503 when the store cannot be reached.
 *
 * <ul>
 *   <li>{@code POST /tasks} → {@link #submit(String)}: 202 {@code {"id": …}}
 *   <li>{@code GET /tasks} → {@link #list(String, String, String, String, String)}: 200 {@code
 *       {"tasks": […]}}
 *   <li>{@code GET /task-limits} → {@link #limits()}: 200 {@code {"limits": […]}}
 *   <li>{@code GET /tasks/{id}} → {@link #get(String)}: 200, the task
 *   <li>{@code DELETE /tasks/{id}} → {@link #revoke(String)}: 202, the task after the revoke
 * </ul>
 *
 * <p>Wiring, for example with Javalin: {@code app.get("/tasks/{id}", ctx -> { Reply r =
 * endpoints.get(ctx.pathParam("id")); ctx.status(r.status()).json(r.body()); })}, after {@link
 * #requireScope(ApiKey)} on the request's key.
 */
public final class TaskEndpoints {
  /** Tasks listed when no {@code limit} is given. */
  static final int DEFAULT_LIMIT = 100;

  /** The most tasks one listing returns. */
  static final int MAX_LIMIT = 1000;

  /** The longest duration accepted, so a typo cannot overflow an instant. */
  static final Duration MAX_DURATION = Duration.ofDays(3650);

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "args",
          "countdown",
          "eta",
          "maxRetries",
          "softTimeLimit",
          "timeLimit",
          "resultTtl",
          "queue",
          "priority",
          "limitKey");

  private static final Map<String, Set<TaskState>> STATE_GROUPS =
      Map.of(
          "active", EnumSet.of(TaskState.STARTED, TaskState.PROGRESS),
          "scheduled", EnumSet.of(TaskState.SCHEDULED, TaskState.RETRY),
          "recent", EnumSet.of(TaskState.SUCCESS, TaskState.FAILURE, TaskState.REVOKED));

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Warren warren;

  /**
   * The answer to a request.
   *
   * @param status the HTTP status code
   * @param body the JSON body
   * @param location the {@code Location} header to send, or {@code null}
   */
  public record Reply(int status, JsonNode body, String location) {}

  /**
   * @param warren the instance tasks are submitted through, and whose task store is read (through
   *     {@link Warren#admin()})
   */
  public TaskEndpoints(Warren warren) {
    this.warren = java.util.Objects.requireNonNull(warren, "warren");
  }

  /**
   * Checks that a caller may use the task endpoints.
   *
   * @param key the request's key ({@link ApiKeys#ANONYMOUS} when the server has no keys)
   * @throws Problem 401 without a key, 403 when it lacks the {@code tasks} scope
   */
  static void requireScope(ApiKey key) {
    if (key == null) {
      throw new Problem(401, "the task endpoints need an API key with the 'tasks' scope");
    }
    if (!key.has("tasks")) {
      throw new Problem(
          403, "API key '" + key.nameOr("anonymous") + "' lacks the 'tasks' scope needed here");
    }
  }

  /**
   * {@code POST /tasks}: submits a task once the body is valid and the broker confirmed it.
   *
   * @param body the request body: {@code {"name": …, "args": …, "countdown": …, "eta": …,
   *     "maxRetries": …, "softTimeLimit": …, "timeLimit": …, "resultTtl": …, "queue": …}}, only
   *     {@code name} required; durations as seconds (a number) or text such as {@code "30s"},
   *     {@code "500ms"}, {@code "5m"}, {@code "2h"}, {@code "1d"} or {@code "PT30S"}; {@code eta}
   *     as ISO-8601 text
   * @return 202 with {@code {"id": …}} and the task's location
   * @throws Problem 400 naming the bad field, 503 when the store cannot be reached
   */
  public Reply submit(String body) {
    JsonNode root = parse(body);
    String name = text(root, "name", true);
    TaskOptions options = options(root);
    JsonNode args = root.get("args");
    Object data = args == null || args.isNull() ? null : args;
    TaskHandle<?> handle;
    try {
      handle = tasks().submit(name, data, options);
    } catch (IllegalArgumentException | InvalidInputException e) {
      // why: the name is the only thing left that the task queue validates itself
      throw Problem.badRequest("name: " + e.getMessage());
    } catch (TaskStoreException e) {
      throw unavailable(e);
    }
    ObjectNode out = NODES.objectNode().put("id", handle.id());
    return new Reply(202, out, "/tasks/" + handle.id());
  }

  /**
   * {@code GET /tasks/{id}}.
   *
   * @param id the task id
   * @return 200 with the task
   * @throws Problem 404 for an unknown or expired task, 503 when the store cannot be reached
   */
  public Reply get(String id) {
    return new Reply(200, json(find(id)), null);
  }

  /**
   * {@code DELETE /tasks/{id}}: revokes the task, durably. A task that is not running is revoked at
   * once; a running one is told to stop and is marked revoked once it does (or after its grace
   * period), so the answer may still show it running. Revoking a final task changes nothing.
   *
   * @param id the task id
   * @return 202 with the task as it is after the revoke
   * @throws Problem 404 for an unknown or expired task, 503 when the store cannot be reached
   */
  public Reply revoke(String id) {
    find(id);
    try {
      tasks().task(id).revoke();
    } catch (TaskStoreException e) {
      throw unavailable(e);
    }
    return new Reply(202, json(find(id)), null);
  }

  /**
   * {@code GET /task-limits}: every declared task limit with its use now, across all workers
   * sharing the task store.
   *
   * @return 200 with {@code {"limits": [{"name", "rate", "concurrency", "perKeyConcurrency",
   *     "running", "runningByKey", "startsInWindow", "deferred"}…]}}
   * @throws Problem 501 when the task store cannot keep limits, 503 when it cannot be reached
   */
  public Reply limits() {
    List<dev.warren.tasks.TaskLimitUsage> usage;
    try {
      usage = warren.admin().taskLimits();
    } catch (InvalidInputException e) {
      throw new Problem(501, e.getMessage());
    } catch (TaskStoreException e) {
      throw unavailable(e);
    }
    ArrayNode items = NODES.arrayNode();
    for (dev.warren.tasks.TaskLimitUsage u : usage) {
      ObjectNode o = NODES.objectNode();
      o.put("name", u.name());
      if (u.limits().rateText() != null) {
        o.put("rate", u.limits().rateText());
      } else {
        o.putNull("rate");
      }
      o.put("concurrency", u.limits().concurrency());
      o.put("perKeyConcurrency", u.limits().perKeyConcurrency());
      o.put("running", u.running());
      ObjectNode byKey = NODES.objectNode();
      u.runningByKey().forEach(byKey::put);
      o.set("runningByKey", byKey);
      o.put("startsInWindow", u.startsInWindow());
      o.put("deferred", u.deferred());
      items.add(o);
    }
    ObjectNode out = NODES.objectNode();
    out.set("limits", items);
    return new Reply(200, out, null);
  }

  /**
   * {@code GET /tasks?state=…&name=…&limit=…}: tasks most recently changed first.
   *
   * @param state {@code null} for every state, else comma-separated state names ({@code PENDING},
   *     {@code SUCCESS}…, any case) or groups: {@code active} (STARTED, PROGRESS), {@code
   *     scheduled} (SCHEDULED, RETRY), {@code recent} (SUCCESS, FAILURE, REVOKED)
   * @param name {@code null} for every task name, else one name
   * @param limit {@code null} for {@value #DEFAULT_LIMIT}, else 1 to {@value #MAX_LIMIT}
   * @return 200 with {@code {"tasks": […], "limit": n}}
   * @throws Problem 400 naming the bad parameter, 501 when the task store cannot list, 503 when it
   *     cannot be reached
   */
  public Reply list(String state, String name, String limit) {
    return list(state, name, null, null, limit);
  }

  /**
   * {@code GET /tasks?state=…&name=…&since=…&until=…&limit=…}: tasks most recently changed first,
   * within a range of last changes.
   *
   * @param state as for {@link #list(String, String, String)}
   * @param name {@code null} for every task name, else one name
   * @param since {@code null}, an ISO-8601 instant, or a duration ({@code 15m}, {@code 2h}…)
   *     meaning that long ago: only tasks changed at or after it
   * @param until the same: only tasks changed before it
   * @param limit {@code null} for {@value #DEFAULT_LIMIT}, else 1 to {@value #MAX_LIMIT}
   * @return 200 with {@code {"tasks": […], "limit": n}}
   * @throws Problem 400 naming the bad parameter, 501 when the task store cannot list, 503 when it
   *     cannot be reached
   */
  public Reply list(String state, String name, String since, String until, String limit) {
    Set<TaskState> states = states(state);
    if (name != null && (name.isBlank() || name.length() > 100)) {
      throw Problem.badRequest("name: give one task name of at most 100 characters");
    }
    Instant from = instant("since", since);
    Instant to = instant("until", until);
    if (from != null && to != null && !from.isBefore(to)) {
      throw Problem.badRequest("since: " + from + " is not before until " + to);
    }
    int n = limit(limit);
    List<TaskStatus> found;
    try {
      found = warren.admin().tasks(new TaskQuery(states, name, from, to, n));
    } catch (UnsupportedOperationException e) {
      throw new Problem(501, e.getMessage());
    } catch (TaskStoreException e) {
      throw unavailable(e);
    }
    ArrayNode items = NODES.arrayNode();
    found.forEach(s -> items.add(json(s)));
    ObjectNode out = NODES.objectNode();
    out.set("tasks", items);
    out.put("limit", n);
    return new Reply(200, out, null);
  }

  // --- reading the request

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw Problem.badRequest("the body is empty: send a JSON object with at least \"name\"");
    }
    JsonNode root;
    try {
      root = JsonDataCodec.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw Problem.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw Problem.badRequest("the body must be a JSON object with at least \"name\"");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw Problem.badRequest(
            field + ": unknown field; known fields are " + String.join(", ", sorted(FIELDS)));
      }
    }
    return root;
  }

  private static List<String> sorted(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    list.sort(null);
    return list;
  }

  private static TaskOptions options(JsonNode root) {
    TaskOptions.Builder b = TaskOptions.builder();
    String queue = text(root, "queue", false);
    Duration countdown = duration(root, "countdown");
    String eta = text(root, "eta", false);
    if (countdown != null && eta != null) {
      throw Problem.badRequest("countdown: give countdown or eta, not both");
    }
    Duration softTimeLimit = duration(root, "softTimeLimit");
    Duration timeLimit = duration(root, "timeLimit");
    Duration resultTtl = duration(root, "resultTtl");
    Integer maxRetries = integer(root, "maxRetries");
    // why: each setter validates its own value; catching per field keeps the field in the message
    apply("queue", () -> b.queue(queue), queue != null);
    apply("countdown", () -> b.countdown(countdown), countdown != null);
    if (eta != null) {
      Instant at;
      try {
        at = Instant.parse(eta);
      } catch (DateTimeParseException e) {
        throw Problem.badRequest(
            "eta: '" + eta + "' is not an ISO-8601 instant such as 2026-01-31T12:00:00Z");
      }
      b.eta(at);
    }
    apply("maxRetries", () -> b.maxRetries(maxRetries), maxRetries != null);
    apply("softTimeLimit", () -> b.softTimeLimit(softTimeLimit), softTimeLimit != null);
    apply("timeLimit", () -> b.timeLimit(timeLimit), timeLimit != null);
    apply("resultTtl", () -> b.resultTtl(resultTtl), resultTtl != null);
    Integer priority = integer(root, "priority");
    String limitKey = text(root, "limitKey", false);
    apply("priority", () -> b.priority(priority), priority != null);
    apply("limitKey", () -> b.limitKey(limitKey), limitKey != null);
    try {
      return b.build();
    } catch (IllegalArgumentException | InvalidInputException e) {
      // why: build() checks what involves two fields: a priority and its queue, or the two limits
      String field =
          priority != null
                  && priority > 0
                  && !TaskOptions.isPriorityQueue(queue == null ? TaskOptions.DEFAULT_QUEUE : queue)
              ? "priority"
              : "softTimeLimit";
      throw Problem.badRequest(field + ": " + e.getMessage());
    }
  }

  private static void apply(String field, Runnable setter, boolean given) {
    if (!given) {
      return;
    }
    try {
      setter.run();
    } catch (IllegalArgumentException | InvalidInputException e) {
      throw Problem.badRequest(field + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode root, String field, boolean required) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw Problem.badRequest(field + ": required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw Problem.badRequest(field + ": must be a non-empty string, not " + v);
    }
    return v.asText();
  }

  private static Integer integer(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw Problem.badRequest(field + ": must be a whole number, not " + v);
    }
    return v.intValue();
  }

  /**
   * @return the duration of a field given as seconds (a number) or as text, or {@code null}
   */
  static Duration duration(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    Duration d;
    if (v.isNumber()) {
      BigDecimal seconds = v.decimalValue();
      if (seconds.signum() < 0) {
        throw Problem.badRequest(field + ": must be zero or more, not " + v);
      }
      if (seconds.compareTo(BigDecimal.valueOf(MAX_DURATION.toSeconds())) > 0) {
        throw Problem.badRequest(field + ": " + v + " s is longer than " + MAX_DURATION);
      }
      d = Duration.ofMillis(seconds.movePointRight(3).longValue());
    } else if (v.isTextual()) {
      d = parseDuration(field, v.asText());
    } else {
      throw Problem.badRequest(
          field + ": must be seconds (a number) or text such as \"30s\", not " + v);
    }
    if (d.compareTo(MAX_DURATION) > 0) {
      throw Problem.badRequest(field + ": " + v + " is longer than " + MAX_DURATION);
    }
    return d;
  }

  /** The one duration grammar ({@link WarrenOptions#parseDuration}), never negative. */
  private static Duration parseDuration(String field, String text) {
    if (text.strip().startsWith("-")) {
      throw Problem.badRequest(field + ": must be zero or more, not '" + text + "'");
    }
    Duration d;
    try {
      d = WarrenOptions.parseDuration(field, text);
    } catch (InvalidInputException | ArithmeticException e) {
      throw Problem.badRequest(
          field
              + ": '"
              + text
              + "' is not a duration: use seconds (a number), or 500ms, 30s, 5m, 2h, 1d or PT30S");
    }
    if (d.isNegative()) {
      throw Problem.badRequest(field + ": must be zero or more, not '" + text + "'");
    }
    return d;
  }

  /**
   * @return an instant given as ISO-8601 text, or as a duration meaning that long ago; {@code null}
   *     for none
   */
  static Instant instant(String field, String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (t.isEmpty()) {
      throw Problem.badRequest(
          field + ": give an ISO-8601 instant (2026-01-31T12:00:00Z) or a duration ago (15m, 2h)");
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // not an instant: a duration ago, below
    }
    Duration ago;
    try {
      ago = WarrenOptions.parseDuration(field, t);
    } catch (InvalidInputException | ArithmeticException e) {
      ago = null;
    }
    if (ago == null || ago.isNegative() || ago.compareTo(MAX_DURATION) > 0) {
      throw Problem.badRequest(
          field
              + ": '"
              + text
              + "' is neither an ISO-8601 instant (2026-01-31T12:00:00Z) nor a duration ago (15m,"
              + " 2h, 1d)");
    }
    return Instant.now().minus(ago);
  }

  private static Set<TaskState> states(String state) {
    if (state == null) {
      return Set.of();
    }
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    for (String part : state.split(",", -1)) {
      String p = part.strip();
      Set<TaskState> group = STATE_GROUPS.get(p.toLowerCase(Locale.ROOT));
      if (group != null) {
        states.addAll(group);
        continue;
      }
      try {
        states.add(TaskState.valueOf(p.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest(
            "state: '"
                + p
                + "' is not a task state: use active, scheduled, recent or one of "
                + java.util.Arrays.toString(TaskState.values()));
      }
    }
    return states;
  }

  private static int limit(String limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(limit.strip());
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest(
        "limit: '" + limit + "' is not a whole number between 1 and " + MAX_LIMIT);
  }

  // --- the task store

  private Tasks tasks() {
    return warren.tasks();
  }

  private TaskStatus find(String id) {
    if (id == null || id.isBlank() || id.length() > 200) {
      throw Problem.notFound("no task '" + id + "'");
    }
    Optional<TaskStatus> s;
    try {
      s = warren.admin().task(id);
    } catch (TaskStoreException e) {
      throw unavailable(e);
    }
    return s.orElseThrow(
        () -> Problem.notFound("no task '" + id + "' (unknown, or its result expired)"));
  }

  private static Problem unavailable(TaskStoreException e) {
    return new Problem(503, "the task store is unavailable: " + e.getMessage());
  }

  // --- writing the answer

  /**
   * @param s a task
   * @return its JSON: result and progress metadata as JSON values, times as ISO-8601 text; the
   *     error without its stack trace, which may reveal the worker's internals to any API caller
   */
  static ObjectNode json(TaskStatus s) {
    ObjectNode o = NODES.objectNode();
    o.put("id", s.id());
    o.put("name", s.name());
    o.put("queue", s.queue());
    o.put("state", s.state().name());
    o.put("attempts", s.attempt());
    ObjectNode progress = null;
    if (s.progress() != null) {
      progress = NODES.objectNode().put("fraction", s.progress());
      progress.set("meta", tree(s.progressMeta()));
    }
    o.set("progress", progress);
    o.set("result", tree(s.result()));
    if (s.error() == null) {
      o.putNull("error");
    } else {
      o.putObject("error").put("type", s.error().type()).put("message", s.error().message());
    }
    time(o, "submittedAt", s.submittedAt());
    time(o, "eta", s.eta());
    time(o, "startedAt", lastStart(s));
    time(o, "finishedAt", s.isFinal() ? s.updatedAt() : null);
    time(o, "updatedAt", s.updatedAt());
    time(o, "expiresAt", s.expiresAt());
    o.put("worker", s.worker());
    ArrayNode history = o.putArray("history");
    for (TaskTransition t : s.history()) {
      ObjectNode h = history.addObject();
      h.put("state", t.state().name());
      time(h, "at", t.at());
      h.put("worker", t.worker());
      h.put("attempt", t.attempt());
      h.put("detail", t.detail());
    }
    return o;
  }

  private static Instant lastStart(TaskStatus s) {
    Instant at = null;
    for (TaskTransition t : s.history()) {
      if (t.state() == TaskState.STARTED) {
        at = t.at();
      }
    }
    return at;
  }

  private static void time(ObjectNode o, String field, Instant at) {
    if (at == null) {
      o.putNull(field);
    } else {
      o.put(field, at.toString());
    }
  }

  private static JsonNode tree(String json) {
    if (json == null) {
      return NODES.nullNode();
    }
    try {
      return JsonDataCodec.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      // why: a store written by another version may hold text that is not JSON; show it as is
      return NODES.textNode(json);
    }
  }
}
