package dev.warren.examples.interactions;

import static dev.warren.examples.interactions.InteractionsExample.BATCH;
import static dev.warren.examples.interactions.InteractionsExample.EDGES;
import static dev.warren.examples.interactions.InteractionsExample.RETRY;

import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleFailedException;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.Expect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The steps of one run of {@link InteractionsExample}, and what they counted: post the traffic,
 * wait for both sinks, look at the dead letters, fix the catalog and replay them, check the totals.
 */
final class FanOutScript {
  private final ExampleContext ctx;
  private final Traffic traffic;
  private final EdgeStore store;
  private final FrontEnd frontEnd;
  private final Operator operator;

  /** The edge worker's handler. */
  final EdgeWriter writer;

  /** The counter worker's handler. */
  final UserCounters counters = new UserCounters();

  private final Map<String, Long> figures = new LinkedHashMap<>();
  private final List<String> facts = new ArrayList<>();

  FanOutScript(
      ExampleContext ctx, Traffic traffic, EdgeStore store, FrontEnd frontEnd, Operator operator) {
    this.ctx = ctx;
    this.traffic = traffic;
    this.store = store;
    this.frontEnd = frontEnd;
    this.operator = operator;
    this.writer = new EdgeWriter(store, Traffic.PRODUCTS);
  }

  /**
   * Plays the steps once both workers have subscribed.
   *
   * @throws dev.warren.examples.ExampleFailedException when a step did not see what it expected
   * @throws Exception when the server or the edge store could not be reached
   */
  void play() throws Exception {
    ingest();
    long deadLettered = firstPass();
    long replayed = fixAndReplay(deadLettered);
    check(deadLettered, replayed);
  }

  private void ingest() throws Exception {
    List<List<Traffic.Sent>> batches = traffic.batches(BATCH);
    for (List<Traffic.Sent> batch : batches) {
      frontEnd.post(batch);
    }
    ctx.say(
        "front end: POST /events, %d batches of %d (application/cloudevents-batch+json):"
            + " 202, %d events confirmed by the broker",
        batches.size(), BATCH, traffic.sent().size());
    List<Traffic.Sent> last = batches.get(batches.size() - 1);
    frontEnd.post(last);
    ctx.say(
        "front end: the answer to batch %d was lost; sent its %d events again, same ids",
        batches.size(), last.size());
    figures.put("published", (long) traffic.sent().size());
    figures.put("resent", (long) last.size());
  }

  /**
   * @return how many events ended in the edge worker's dead-letter queue
   */
  private long firstPass() throws Exception {
    int all = traffic.sent().size();
    long stuck = Traffic.NEW_PRODUCT_SEQS.size();
    long resent = figures.get("resent");
    awaitUntil(
        "every event handled or dead-lettered",
        () ->
            counters.counted() == all
                && counters.duplicates() == resent
                && writer.written() == all - stuck
                && writer.duplicates() == resent
                && operator.deadLetterCount(EDGES) == stuck);
    ctx.say(
        "counter worker: counted %d interactions, skipped %d duplicates",
        counters.counted(), counters.duplicates());
    ctx.say(
        "edge worker: wrote %d edges, skipped %d duplicates (ON CONFLICT DO NOTHING)",
        writer.written(), writer.duplicates());
    ctx.say(
        "edge worker: %d first attempts failed (simulated connection reset) and were retried at"
            + " once; the %d interactions with %s failed all %d attempts",
        writer.transientFailures(), stuck, Traffic.NEW_PRODUCT, RETRY.maxAttempts());
    List<Operator.DeadLetterView> dead = operator.deadLetters(EDGES);
    ctx.say("operator: GET /subscriptions/%s/dead-letters: %d", EDGES, dead.size());
    for (Operator.DeadLetterView d : dead) {
      Interaction i = d.interaction();
      ctx.say(
          "  %s interaction %d (%s %s %s): %d attempts, %s",
          d.id(), i.seq(), i.user(), i.kind(), i.product(), d.attempts(), d.error());
      Expect.that(
          d.attempts() == RETRY.maxAttempts() && i.product().equals(Traffic.NEW_PRODUCT),
          "dead letter %s should be an interaction with %s after %d attempts: %s",
          d.id(),
          Traffic.NEW_PRODUCT,
          RETRY.maxAttempts(),
          d);
    }
    return dead.size();
  }

  private long fixAndReplay(long deadLettered) throws Exception {
    writer.learn(Traffic.NEW_PRODUCT);
    ctx.say("catalog: %s added to the edge worker's catalog", Traffic.NEW_PRODUCT);
    long replayed = operator.replay(EDGES);
    ctx.say("operator: POST /subscriptions/%s/dead-letters/replay: %d replayed", EDGES, replayed);
    Expect.that(
        replayed == deadLettered, "replayed %d dead letters, expected %d", replayed, deadLettered);
    int all = traffic.sent().size();
    awaitUntil(
        "the replayed edges written",
        () -> writer.written() == all && operator.deadLetterCount(EDGES) == 0);
    ctx.say("edge worker: wrote the %d replayed edges; the dead-letter queue is empty", replayed);
    return replayed;
  }

  private void check(long deadLettered, long replayed) throws Exception {
    int all = traffic.sent().size();
    expect("edges in the store", all, store.count());
    expect("total edge weight", traffic.totalWeight(), store.totalWeight());
    expect("first attempts failed on purpose", traffic.tenths(), writer.transientFailures());
    expect(
        "attempts failed for " + Traffic.NEW_PRODUCT,
        (long) Traffic.NEW_PRODUCT_SEQS.size() * RETRY.maxAttempts(),
        writer.unknownProductFailures());
    Map<String, UserCounts> expected = traffic.expectedCounts();
    Map<String, UserCounts> actual = counters.snapshot();
    Expect.that(expected.equals(actual), "counters %s, expected %s", actual, expected);
    ctx.say(
        "check: %d edges, total weight %d, in %s; nothing lost, nothing twice",
        store.count(), store.totalWeight(), store.describe());
    ctx.say("check: per-user counters, deduplicated by event id:");
    actual.forEach(
        (user, c) -> {
          ctx.say("  %s", c.describe(user));
          facts.add("counters " + c.describe(user));
        });
    List<String> heaviest = store.heaviest(3);
    ctx.say("graph: heaviest edges %s", String.join(", ", heaviest));
    figures.put("edges", store.count());
    figures.put("edge-weight", store.totalWeight());
    figures.put("counted", counters.counted());
    figures.put("duplicates-skipped-edges", writer.duplicates());
    figures.put("duplicates-skipped-counters", counters.duplicates());
    figures.put("retried", traffic.tenths() + Traffic.NEW_PRODUCT_SEQS.size());
    figures.put("failed-attempts", writer.transientFailures() + writer.unknownProductFailures());
    figures.put("dead-lettered", deadLettered);
    figures.put("replayed", replayed);
    facts.add("edge store " + store.describe());
  }

  private static void expect(String what, long expected, long actual) {
    Expect.that(expected == actual, "%s: %d, expected %d", what, actual, expected);
  }

  private void awaitUntil(String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + ctx.timeout().toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new ExampleFailedException(
            "waited "
                + ctx.timeout()
                + " for "
                + what
                + ": counted "
                + counters.counted()
                + " (+"
                + counters.duplicates()
                + " duplicates), edges written "
                + writer.written()
                + " (+"
                + writer.duplicates()
                + " duplicates), dead letters "
                + operator.deadLetterCount(EDGES));
      }
      Thread.sleep(25);
    }
  }

  /**
   * @return what the run counted, once {@link #play()} returned
   */
  ExampleResult result() {
    return new ExampleResult(
        "interactions",
        String.format(
            Locale.ROOT,
            "%d interactions → %d edges and %d counted; %d retried, %d dead-lettered and replayed",
            figures.get("published"),
            figures.get("edges"),
            figures.get("counted"),
            figures.get("retried"),
            figures.get("replayed")),
        figures,
        facts);
  }

  /** A condition the script waits for; it may ask the server. */
  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }
}
