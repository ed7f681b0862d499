package dev.warren.server;

import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.lineage.Delivery;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Lineage;
import dev.warren.lineage.LineageNode;
import dev.warren.lineage.LineageTree;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The lineage endpoints, independent of the HTTP framework: each method takes the path parameter
 * and returns a record that serializes to JSON as is (times as ISO-8601 text, durations in
 * milliseconds), or throws a 404 {@link Problem} for an unknown id and a 503 one when the lineage
 * store cannot be reached.
 *
 * <ul>
 *   <li>{@code GET /events/{id}} → {@link #event(String)}
 *   <li>{@code GET /events/{id}/lineage} → {@link #lineage(String)}
 *   <li>{@code GET /correlations/{id}} → {@link #correlation(String)}
 * </ul>
 *
 * <p>Wiring, for example with Javalin: {@code app.get("/events/{id}", ctx ->
 * ctx.json(endpoints.event(ctx.pathParam("id"))))}.
 */
public final class LineageEndpoints {
  private final Warren warren;

  /**
   * @param warren the instance whose lineage store is read
   */
  public LineageEndpoints(Warren warren) {
    this.warren = warren;
  }

  /**
   * @param id an event id
   * @return the event and what each subscription did with it
   * @throws Problem 404 when the event is not recorded, 503 when the store is unreachable
   */
  public EventJson event(String id) {
    EventRecord e =
        lineage()
            .event(id)
            .orElseThrow(() -> Problem.notFound("no lineage recorded for event '" + id + "'"));
    return EventJson.of(e);
  }

  /**
   * @param id an event id
   * @return its ancestors and descendants as trees
   * @throws Problem 404 when the event is not recorded, 503 when the store is unreachable
   */
  public TreeJson lineage(String id) {
    LineageTree tree =
        lineage()
            .tree(id)
            .orElseThrow(() -> Problem.notFound("no lineage recorded for event '" + id + "'"));
    return new TreeJson(
        tree.eventId(), tree.truncated(), tree.roots().stream().map(NodeJson::of).toList());
  }

  /**
   * @param id a correlation id
   * @return every recorded event of the chain, in time order
   * @throws Problem 404 when no event of it is recorded, 503 when the store is unreachable
   */
  public CorrelationJson correlation(String id) {
    List<EventRecord> events = lineage().correlation(id);
    if (events.isEmpty()) {
      throw Problem.notFound("no lineage recorded for correlation '" + id + "'");
    }
    return new CorrelationJson(
        id, events.size() >= Lineage.MAX_EVENTS, events.stream().map(EventJson::of).toList());
  }

  private Lineage lineage() {
    try {
      return new Guarded(warren.lineage());
    } catch (WarrenException e) {
      throw new Problem(503, e.getMessage());
    }
  }

  /** Turns store failures into 503 problems. */
  private record Guarded(Lineage lineage) implements Lineage {
    @Override
    public Optional<EventRecord> event(String eventId) {
      try {
        return lineage.event(eventId);
      } catch (WarrenException e) {
        throw new Problem(503, e.getMessage());
      }
    }

    @Override
    public Optional<LineageTree> tree(String eventId) {
      try {
        return lineage.tree(eventId);
      } catch (WarrenException e) {
        throw new Problem(503, e.getMessage());
      }
    }

    @Override
    public List<EventRecord> correlation(String correlationId) {
      try {
        return lineage.correlation(correlationId);
      } catch (WarrenException e) {
        throw new Problem(503, e.getMessage());
      }
    }

    @Override
    public long dropped() {
      return lineage.dropped();
    }
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1_000_000.0;
  }

  /**
   * An event as JSON.
   *
   * @param id the event id
   * @param type the type
   * @param source the source
   * @param time the event time, ISO-8601
   * @param correlationId the chain
   * @param parentIds the events that caused it
   * @param size the size of its data in bytes
   * @param deliveries what each subscription did with it
   */
  public record EventJson(
      String id,
      String type,
      String source,
      String time,
      String correlationId,
      List<String> parentIds,
      long size,
      List<DeliveryJson> deliveries) {
    static EventJson of(EventRecord e) {
      return new EventJson(
          e.id(),
          e.type(),
          e.source(),
          text(e.time()),
          e.correlationId(),
          e.parentIds(),
          e.size(),
          e.deliveries().stream().map(DeliveryJson::of).toList());
    }
  }

  /**
   * One subscription's handling of an event, as JSON.
   *
   * @param subscription the subscription
   * @param outcome {@code HANDLED}, {@code RETRIED}, {@code DEAD_LETTERED} or {@code REPLAYED}
   * @param retries failed attempts that were retried
   * @param replays times it came back from the dead-letter queue
   * @param firstAt the first step, ISO-8601
   * @param lastAt the last step, ISO-8601
   * @param handlerMillis time spent in the handler
   * @param error the failure behind the outcome, or null
   * @param steps every step, oldest first
   */
  public record DeliveryJson(
      String subscription,
      String outcome,
      int retries,
      int replays,
      String firstAt,
      String lastAt,
      double handlerMillis,
      String error,
      List<StepJson> steps) {
    static DeliveryJson of(Delivery d) {
      return new DeliveryJson(
          d.subscription(),
          d.outcome().name(),
          d.retries(),
          d.replays(),
          text(d.firstAt()),
          text(d.lastAt()),
          millis(d.handlerTime()),
          d.error(),
          d.steps().stream().map(StepJson::of).toList());
    }
  }

  /**
   * One step, as JSON.
   *
   * @param outcome what happened
   * @param at when, ISO-8601
   * @param attempts handler runs by then
   * @param durationMillis how long the handler run took
   * @param error the failure, or null
   */
  public record StepJson(
      String outcome, String at, long attempts, double durationMillis, String error) {
    static StepJson of(DeliveryStep s) {
      return new StepJson(
          s.outcome().name(), text(s.at()), s.attempts(), millis(s.duration()), s.error());
    }
  }

  /**
   * A tree node, as JSON.
   *
   * @param event the event
   * @param children what it caused
   */
  public record NodeJson(EventJson event, List<NodeJson> children) {
    static NodeJson of(LineageNode n) {
      return new NodeJson(
          EventJson.of(n.event()), n.children().stream().map(NodeJson::of).toList());
    }
  }

  /**
   * The answer of {@code GET /events/{id}/lineage}.
   *
   * @param eventId the event asked for
   * @param truncated whether the tree was cut at {@value Lineage#MAX_EVENTS} events
   * @param roots the first events of its chain, with everything they caused
   */
  public record TreeJson(String eventId, boolean truncated, List<NodeJson> roots) {}

  /**
   * The answer of {@code GET /correlations/{id}}.
   *
   * @param correlationId the correlation id
   * @param truncated whether the list was cut at {@value Lineage#MAX_EVENTS} events
   * @param events its events in time order
   */
  public record CorrelationJson(String correlationId, boolean truncated, List<EventJson> events) {}
}
