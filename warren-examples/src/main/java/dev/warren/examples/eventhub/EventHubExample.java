package dev.warren.examples.eventhub;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.examples.Example;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleQueues;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.Expect;
import dev.warren.examples.TextTable;
import dev.warren.examples.eventhub.HubEvents.VoiceTranscribed;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.LineageNode;
import dev.warren.lineage.LineageTree;
import dev.warren.lineage.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The event hub of seed 002 on Warren: {@code <domain>.<entity>.<action>} events on a topic
 * exchange, consumers bound with an exact type, a {@code *} and a {@code #} pattern, an audit trail
 * on {@code #}, and a chain of events whose lineage (who caused what, under one correlation id) is
 * drawn as a tree, the same data {@code ./warren trace <id>} shows.
 */
public final class EventHubExample implements Example {
  static final String EXCHANGE = "warren.examples.event-hub";
  static final String ORDER_JSON =
      """
      {
        "orderId": "ord-1042",
        "customer": "c-77",
        "lines": [ { "sku": "book-123", "quantity": 2 }, { "sku": "pen-9", "quantity": 1 } ],
        "total": 42.50
      }
      """;

  /** Which subscriptions each event type must reach, in the column order of the narration. */
  static final Map<String, Set<Subscription>> EXPECTED_DELIVERIES =
      Map.of(
          "commerce.order.created",
              Set.of(Fulfilment.SUBSCRIPTION, Analytics.SUBSCRIPTION, AuditTrail.SUBSCRIPTION),
          "commerce.payment.requested",
              Set.of(Payments.SUBSCRIPTION, Analytics.SUBSCRIPTION, AuditTrail.SUBSCRIPTION),
          "commerce.payment.captured",
              Set.of(Payments.SUBSCRIPTION, Analytics.SUBSCRIPTION, AuditTrail.SUBSCRIPTION),
          "commerce.inventory.reserved", Set.of(Analytics.SUBSCRIPTION, AuditTrail.SUBSCRIPTION),
          "transcription.voice.completed", Set.of(AuditTrail.SUBSCRIPTION));

  private static final List<Subscription> SUBSCRIPTIONS =
      List.of(
          Fulfilment.SUBSCRIPTION,
          Payments.SUBSCRIPTION,
          Analytics.SUBSCRIPTION,
          AuditTrail.SUBSCRIPTION);

  /** What a run leaves for tests to look at. */
  record Hub(HubLog log, Event order, LineageTree tree, List<EventRecord> correlation) {}

  private final Consumer<Hub> onFinished;

  /** The example as {@code ./warren demo event-hub} runs it. */
  public EventHubExample() {
    this(hub -> {});
  }

  /**
   * @param onFinished called with what the run saw, after its checks passed
   */
  EventHubExample(Consumer<Hub> onFinished) {
    this.onFinished = onFinished;
  }

  @Override
  public String name() {
    return "event-hub";
  }

  @Override
  public String title() {
    return "Event hub: <domain>.<entity>.<action> events, exact/*/# consumers, an audit trail,"
        + " a chain's lineage tree";
  }

  @Override
  public ExampleResult run(ExampleContext context) throws IOException {
    return new Run(context).play();
  }

  /** One run of the script. */
  private final class Run {
    private final ExampleContext ctx;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final HubLog log = new HubLog();
    private final List<Warren> processes = new ArrayList<>();
    private final Map<String, Long> figures = new LinkedHashMap<>();
    private final List<String> facts = new ArrayList<>();
    private Warren cli;

    Run(ExampleContext ctx) {
      this.ctx = ctx;
    }

    ExampleResult play() throws IOException {
      Path dataFile = Files.createTempFile("commerce.order.created-", ".json");
      try {
        start();
        Event order = publish(dataFile);
        List<Event> all = awaitDeliveries();
        showDeliveries();
        showAuditTrail(all);
        LineageTree tree = showLineage(order);
        List<EventRecord> chain = cli.lineage().correlation(order.correlationId().orElseThrow());
        checkCorrelation(order, chain);
        onFinished.accept(new Hub(log, order, tree, chain));
      } finally {
        stop();
        Files.deleteIfExists(dataFile);
      }
      String summary =
          String.format(
              "%d events, %d deliveries; the audit trail saw all %d; the order's chain is a"
                  + " lineage tree of %d events under correlation checkout-%s",
              figures.get("events published"),
              figures.get("deliveries"),
              figures.get("audited"),
              figures.get("lineage tree events"),
              run);
      return new ExampleResult(name(), summary, figures, facts);
    }

    private Warren open(String process) {
      WarrenOptions options =
          ctx.options().toBuilder()
              .exchange(EXCHANGE)
              .source("/hub/" + process)
              .instanceId(process + "-" + run)
              .shutdownTimeout(Duration.ofSeconds(3))
              .build();
      Warren w = Warren.create(options);
      processes.add(w);
      return w;
    }

    private void start() {
      ctx.say("Event hub (seed 002): <domain>.<entity>.<action> events and who receives them.");
      cli = open("cli");
      ctx.say("Transport: %s; exchange %s", cli.describe(), EXCHANGE);
      deleteQueues(); // leftovers of an interrupted run
      Fulfilment.start(open("orders"), log);
      Payments.start(open("payments"), log);
      Analytics.start(open("analytics"), log);
      AuditTrail.start(open("audit"), log);
      ctx.say("");
      TextTable.of("process", "subscription", "pattern", "matches")
          .row("orders", Fulfilment.SUBSCRIPTION.name(), "commerce.order.created", "that type only")
          .row(
              "payments",
              Payments.SUBSCRIPTION.name(),
              "commerce.payment.*",
              "one word: any action")
          .row("analytics", Analytics.SUBSCRIPTION.name(), "commerce.#", "the whole domain")
          .row("audit", AuditTrail.SUBSCRIPTION.name(), "#", "everything")
          .say(ctx, "  ");
    }

    /** Writes the order as a JSON file and publishes it as the command line would. */
    private Event publish(Path dataFile) throws IOException {
      Files.writeString(dataFile, ORDER_JSON, StandardCharsets.UTF_8);
      String correlationId = "checkout-" + run;
      ctx.say("");
      ctx.say("1. Publish a payload file with a correlation id");
      ctx.say("  %s:", dataFile);
      ORDER_JSON.lines().forEach(line -> ctx.say("    " + line));
      ctx.say(
          "  $ %s",
          CommandLinePublisher.commandLine("commerce.order.created", dataFile, correlationId));
      ctx.say(
          "  (in this process: Event.builder(type).data(Files.readAllBytes(file), Event.JSON)"
              + ".correlationId(\"%s\"))",
          correlationId);
      Event order =
          log.published(
              "cli",
              new CommandLinePublisher(cli)
                  .publish("commerce.order.created", dataFile, correlationId));
      ctx.say("  [cli] published commerce.order.created %s", order.id());
      Event voice = log.published("cli", cli.publish(new VoiceTranscribed("rec-7", 1312)).join());
      ctx.say("  [cli] published transcription.voice.completed %s (another domain)", voice.id());
      return order;
    }

    /** Waits for the chain to play out and every subscription to receive its events. */
    private List<Event> awaitDeliveries() {
      int deliveries = EXPECTED_DELIVERIES.values().stream().mapToInt(Set::size).sum();
      Expect.within(
          ctx,
          EXPECTED_DELIVERIES.size() + " events and " + deliveries + " deliveries",
          () ->
              log.published().size() == EXPECTED_DELIVERIES.size()
                  && log.received().size() >= deliveries);
      List<Event> all = log.published().stream().map(HubLog.Published::event).toList();
      Expect.that(
          log.received().size() == deliveries,
          "expected %d deliveries, got %d: %s",
          deliveries,
          log.received().size(),
          log.received());
      figures.put("events published", (long) all.size());
      figures.put("deliveries", (long) deliveries);
      return all;
    }

    private void showDeliveries() {
      ctx.say("");
      ctx.say("2. Who received what");
      TextTable table =
          TextTable.of("event", "published by", "fulfilment", "payments", "analytics", "audit");
      for (HubLog.Published p : log.published()) {
        Event e = p.event();
        List<Object> row = new ArrayList<>(List.of(e.type(), p.process()));
        for (Subscription s : SUBSCRIPTIONS) {
          long got =
              log.received(s.name()).stream().filter(r -> r.event().id().equals(e.id())).count();
          boolean expected = EXPECTED_DELIVERIES.get(e.type()).contains(s);
          Expect.that(
              got == (expected ? 1 : 0),
              "%s should %sreach %s, it arrived %d time(s)",
              e.type(),
              expected ? "" : "not ",
              s.name(),
              got);
          row.add(got == 1 ? "✔" : "·");
        }
        table.row(row.toArray());
      }
      table.say(ctx, "  ");
      for (Subscription s : List.of(Fulfilment.SUBSCRIPTION, Payments.SUBSCRIPTION)) {
        for (HubLog.Received r : log.received(s.name())) {
          ctx.say("  %-30s %s", s.name(), r.note());
        }
      }
      for (Subscription s : SUBSCRIPTIONS) {
        figures.put("received by " + s.name(), (long) log.received(s.name()).size());
      }
    }

    private void showAuditTrail(List<Event> all) {
      ctx.say("");
      ctx.say("3. The audit trail (#)");
      List<HubLog.Received> audited = log.received(AuditTrail.SUBSCRIPTION.name());
      for (HubLog.Received r : audited) {
        ctx.say("  %-30s %s  %s", r.event().type(), r.event().id(), r.note());
      }
      Set<String> published = all.stream().map(Event::id).collect(Collectors.toSet());
      Set<String> seen = audited.stream().map(r -> r.event().id()).collect(Collectors.toSet());
      Expect.that(
          seen.equals(published) && audited.size() == published.size(),
          "the audit trail should hold each of the %d published events once, it holds %s",
          published.size(),
          audited.stream().map(r -> r.event().type()).toList());
      ctx.say("  every published event is in the trail, once");
      figures.put("audited", (long) audited.size());
    }

    /** Waits until the lineage store has the whole chain, then draws and checks it. */
    private LineageTree showLineage(Event order) {
      ctx.say("");
      ctx.say(
          "4. The order's lineage (warren.lineage().tree(id), what ./warren trace %s draws)",
          order.id());
      AtomicReference<LineageTree> tree = new AtomicReference<>();
      Expect.within(
          ctx,
          "the lineage of " + order.id() + " to hold the 4 events of the chain, all handled",
          () -> {
            Optional<LineageTree> t = cli.lineage().tree(order.id());
            t.ifPresent(tree::set);
            return t.isPresent() && complete(t.get());
          });
      LineagePrinter.lines(tree.get()).forEach(line -> ctx.say("  " + line));
      checkShape(order, tree.get());
      LineageNode root = tree.get().roots().get(0);
      figures.put("lineage tree events", (long) root.size());
      facts.add("lineage: " + shape(root));
      return tree.get();
    }

    private boolean complete(LineageTree tree) {
      if (tree.roots().size() != 1 || tree.roots().get(0).size() != 4) {
        return false;
      }
      List<LineageNode> nodes = new ArrayList<>();
      collect(tree.roots().get(0), nodes);
      return nodes.stream()
          .allMatch(
              n ->
                  n.event().deliveries().size() == EXPECTED_DELIVERIES.get(n.event().type()).size()
                      && n.event().deliveries().stream()
                          .allMatch(d -> d.outcome() == Outcome.HANDLED));
    }

    private void checkShape(Event order, LineageTree tree) {
      LineageNode root = tree.roots().get(0);
      String shape = shape(root);
      String expected =
          "commerce.order.created(commerce.payment.requested(commerce.payment.captured),"
              + " commerce.inventory.reserved)";
      Expect.that(
          root.event().id().equals(order.id()) && shape.equals(expected),
          "the lineage tree should be %s, it is %s",
          expected,
          shape);
      List<LineageNode> nodes = new ArrayList<>();
      collect(root, nodes);
      String correlationId = order.correlationId().orElseThrow();
      for (LineageNode n : nodes) {
        Expect.that(
            n.event().correlationId().equals(correlationId),
            "%s should carry correlation %s, it has %s",
            n.event().type(),
            correlationId,
            n.event().correlationId());
        for (LineageNode child : n.children()) {
          Expect.that(
              child.event().parentIds().equals(List.of(n.event().id())),
              "%s should be caused by %s, its parents are %s",
              child.event().type(),
              n.event().id(),
              child.event().parentIds());
        }
      }
      ctx.say(
          "  every event of the chain carries correlation %s; each names its cause", correlationId);
    }

    private void checkCorrelation(Event order, List<EventRecord> chain) {
      List<String> types = chain.stream().map(EventRecord::type).toList();
      Expect.that(
          chain.size() == 4 && chain.get(0).id().equals(order.id()),
          "correlation %s should list the 4 events of the chain from the order, it lists %s",
          order.correlationId().orElseThrow(),
          types);
      ctx.say(
          "  warren.lineage().correlation(\"%s\"), in time order: %s",
          order.correlationId().orElseThrow(), String.join(", ", types));
      facts.add(
          "correlation " + order.correlationId().orElseThrow() + ": " + types.size() + " events");
    }

    private static void collect(LineageNode node, List<LineageNode> into) {
      into.add(node);
      node.children().forEach(c -> collect(c, into));
    }

    /** The tree as {@code type(child, child(grandchild))}. */
    static String shape(LineageNode node) {
      if (node.children().isEmpty()) {
        return node.event().type();
      }
      return node.event().type()
          + node.children().stream().map(Run::shape).collect(Collectors.joining(", ", "(", ")"));
    }

    private void stop() {
      // why: consumers first (the cli is the first opened), so nothing is consumed from queues
      // about to be deleted
      for (int i = processes.size() - 1; i >= 1; i--) {
        processes.get(i).close();
      }
      if (cli != null) {
        deleteQueues();
        cli.close();
      }
    }

    private void deleteQueues() {
      for (Subscription s : SUBSCRIPTIONS) {
        ExampleQueues.delete(cli, s);
      }
    }
  }
}
