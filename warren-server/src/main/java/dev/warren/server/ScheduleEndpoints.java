package dev.warren.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.BrokerUnavailableException;
import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.codec.JsonDataCodec;
import dev.warren.schedules.Firing;
import dev.warren.schedules.MissedSlots;
import dev.warren.schedules.Schedule;
import dev.warren.schedules.ScheduleInfo;
import dev.warren.schedules.ScheduleNotFoundException;
import dev.warren.schedules.Schedules;
import dev.warren.server.TaskEndpoints.Reply;
import dev.warren.tasks.TaskStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The schedule endpoints, independent of the HTTP framework like {@link TaskEndpoints}: each method
 * takes the request's raw parts and returns a {@link Reply}, or throws a {@link Problem}: 400
 * naming the bad field and value (a bad cron expression, interval or zone), 404 for an unknown
 * schedule, 503 when the store or broker cannot be reached.
 *
 * <ul>
 *   <li>{@code GET /schedules} → {@link #list()}
 *   <li>{@code POST /schedules} → {@link #define(String)}: 201, the schedule
 *   <li>{@code GET /schedules/{name}} → {@link #get(String, String)}: the schedule and its history
 *   <li>{@code DELETE /schedules/{name}} → {@link #delete(String)}
 *   <li>{@code POST /schedules/{name}/pause|resume|trigger}
 * </ul>
 */
final class ScheduleEndpoints {
  static final int DEFAULT_HISTORY = 20;

  private static final Set<String> FIELDS =
      Set.of("name", "cron", "every", "zone", "task", "args", "queue", "missedSlots", "history");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Warren warren;

  ScheduleEndpoints(Warren warren) {
    this.warren = warren;
  }

  private Schedules schedules() {
    Schedules s = warren.schedules();
    // why: idempotent; a server whose store was down at start-up fires once it answers
    s.startFiring();
    return s;
  }

  /**
   * {@code POST /schedules}: defines (or redefines) a schedule.
   *
   * @param body {@code {"name", "cron" | "every", "zone", "task", "args", "queue", "missedSlots",
   *     "history"}}
   * @return 201 with the schedule
   */
  Reply define(String body) {
    JsonNode root = parse(body);
    String name = text(root, "name", true);
    String cron = text(root, "cron", false);
    Duration every = TaskEndpoints.duration(root, "every");
    if ((cron == null) == (every == null)) {
      throw Problem.badRequest(
          "give either \"cron\" (for example \"0 30 2 * * *\") or \"every\" (for example \"10s\")");
    }
    Schedule schedule;
    try {
      Schedule.Builder b = cron != null ? Schedule.cron(name, cron) : Schedule.every(name, every);
      String zone = text(root, "zone", false);
      if (zone != null) {
        b.zone(zone);
      }
      String task = text(root, "task", false);
      if (task != null) {
        b.task(task);
      }
      String queue = text(root, "queue", false);
      if (queue != null) {
        b.queue(queue);
      }
      String missed = text(root, "missedSlots", false);
      if (missed != null) {
        b.missedSlots(missed(missed));
      }
      JsonNode history = root.get("history");
      if (history != null && !history.isNull()) {
        if (!history.canConvertToInt() || !history.isIntegralNumber()) {
          throw Problem.badRequest("history: must be a whole number of firings, not " + history);
        }
        b.history(history.intValue());
      }
      JsonNode args = root.get("args");
      if (args != null && !args.isNull()) {
        b.args(args);
      }
      schedule = b.build();
    } catch (InvalidInputException e) {
      throw Problem.badRequest(e.getMessage());
    }
    ScheduleInfo stored = call(() -> schedules().define(schedule));
    return new Reply(201, json(stored), "/schedules/" + stored.name());
  }

  private static MissedSlots missed(String text) {
    try {
      return MissedSlots.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("missedSlots: '" + text + "' is not FIRE_ONCE or SKIP");
    }
  }

  /**
   * @return 200 with {@code {"schedules": […]}}
   */
  Reply list() {
    List<ScheduleInfo> all = call(() -> schedules().list());
    ArrayNode items = NODES.arrayNode();
    all.forEach(s -> items.add(json(s)));
    ObjectNode out = NODES.objectNode();
    out.set("schedules", items);
    return new Reply(200, out, null);
  }

  /**
   * @param name a schedule's name
   * @param limit how many firings to include, 1 to 1000 ({@value #DEFAULT_HISTORY} when {@code
   *     null})
   * @return 200 with the schedule and its {@code "firings"}, newest first
   */
  Reply get(String name, String limit) {
    int n = limit(limit);
    ScheduleInfo s = call(() -> schedules().get(name)).orElseThrow(() -> notFound(name));
    List<Firing> history = call(() -> schedules().history(name, n));
    ObjectNode out = json(s);
    ArrayNode items = out.putArray("firings");
    history.forEach(f -> items.add(json(f)));
    return new Reply(200, out, null);
  }

  Reply pause(String name) {
    return new Reply(200, json(call(() -> schedules().pause(name))), null);
  }

  Reply resume(String name) {
    return new Reply(200, json(call(() -> schedules().resume(name))), null);
  }

  Reply trigger(String name) {
    Firing f = call(() -> schedules().trigger(name));
    return new Reply(202, json(f), f.taskId() == null ? null : "/tasks/" + f.taskId());
  }

  Reply delete(String name) {
    if (!call(() -> schedules().delete(name))) {
      throw notFound(name);
    }
    return new Reply(200, NODES.objectNode().put("name", name).put("deleted", true), null);
  }

  private static Problem notFound(String name) {
    return Problem.notFound("schedule '" + name + "' does not exist");
  }

  private static <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (ScheduleNotFoundException e) {
      throw Problem.notFound(e.getMessage());
    } catch (InvalidInputException e) {
      throw Problem.badRequest(e.getMessage());
    } catch (TaskStoreException e) {
      throw new Problem(503, "the schedule store is unavailable: " + e.getMessage());
    } catch (BrokerUnavailableException e) {
      throw Problem.unavailable("the broker did not take the task: " + e.getMessage(), 5);
    }
  }

  private static int limit(String limit) {
    if (limit == null) {
      return DEFAULT_HISTORY;
    }
    try {
      int n = Integer.parseInt(limit.trim());
      if (n >= 1 && n <= 1000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // why: answered below with the value, like an out-of-range number
    }
    throw Problem.badRequest("limit: must be 1 to 1000, not '" + limit + "'");
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw Problem.badRequest(
          "the body is empty: send a JSON object with \"name\" and \"cron\" or \"every\"");
    }
    JsonNode root;
    try {
      root = JsonDataCodec.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw Problem.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw Problem.badRequest(
          "the body must be a JSON object with \"name\" and \"cron\" or \"every\"");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        List<String> known = new ArrayList<>(FIELDS);
        known.sort(null);
        throw Problem.badRequest(
            field + ": unknown field; known fields are " + String.join(", ", known));
      }
    }
    return root;
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

  static ObjectNode json(ScheduleInfo s) {
    ObjectNode o = NODES.objectNode();
    o.put("name", s.name());
    if (s.cron() != null) {
      o.put("cron", s.cron());
      o.put("zone", s.zone());
    } else {
      o.put("every", s.interval().toString());
    }
    o.put("task", s.task());
    o.put("queue", s.queue());
    if (s.args() != null) {
      try {
        o.set("args", JsonDataCodec.MAPPER.readTree(s.args()));
      } catch (JsonProcessingException e) {
        o.put("args", s.args());
      }
    }
    o.put("missedSlots", s.missedSlots().name());
    o.put("history", s.history());
    o.put("paused", s.paused());
    o.put("createdAt", s.createdAt().toString());
    putInstant(o, "lastSlot", s.lastSlot());
    putInstant(o, "nextSlot", s.nextSlot());
    return o;
  }

  static ObjectNode json(Firing f) {
    ObjectNode o = NODES.objectNode();
    o.put("schedule", f.schedule());
    o.put("slot", f.slot().toString());
    o.put("manual", f.manual());
    o.put("state", f.state().name());
    if (f.taskId() != null) {
      o.put("taskId", f.taskId());
    }
    o.put("instance", f.instance());
    o.put("at", f.at().toString());
    if (f.detail() != null) {
      o.put("detail", f.detail());
    }
    return o;
  }

  private static void putInstant(ObjectNode o, String field, Instant at) {
    if (at != null) {
      o.put(field, at.toString());
    }
  }
}
