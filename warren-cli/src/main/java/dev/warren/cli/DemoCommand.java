package dev.warren.cli;

import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.Event;
import dev.warren.EventHandler;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.internal.engine.Topology;
import dev.warren.transport.Transport;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code warren demo}: the LLM gateway of seeds 000 and 001 in one process. An admin API publishes
 * key, spend and provider events; two core API instances evict their caches on a broadcast
 * subscription and split the spend events on a competing one; an auditor sees everything; one spend
 * event fails and ends in the dead-letter queue.
 *
 * <p>It runs on whatever the environment configures (in-memory, or RabbitMQ), on an exchange and
 * queues of its own ({@value #EXCHANGE}, {@code demo.*}) so it never touches an application's
 * events, and deletes its queues when done.
 */
@Command(
    name = "demo",
    description = {
      "Run a short scripted flow (an LLM gateway: an admin API and two core API instances) in one"
          + " process and narrate who receives what.",
      "Uses the embedded in-memory transport, or RabbitMQ when WARREN_RABBITMQ_URL is set."
    },
    mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
  static final String EXCHANGE = "warren.demo";
  static final String CACHE = "demo.cache-invalidation";
  static final String SPEND = "demo.spend-updates";
  static final String AUDIT = "demo.audit";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration LEDGER_WRITE = Duration.ofMillis(20);

  /** Short enough for a demo; real subscriptions wait seconds to minutes between retries. */
  static final RetryPolicy SPEND_RETRY =
      RetryPolicy.builder().immediateRetries(1).delays(Duration.ofMillis(200)).jitter(0).build();

  @ParentCommand WarrenCli cli;

  @Spec CommandSpec spec;

  /** Data of {@code virtual-key.updated}. */
  record KeyChanged(long keyId, String change) {}

  /** Data of {@code virtual-key.spend-requested}. */
  record SpendRequested(long keyId, BigDecimal amount, String model) {}

  /** Data of {@code provider.updated}. */
  record ProviderChanged(String provider, String change) {}

  /** One event as one subscriber of one instance saw it. */
  private record Seen(String instance, String subscription, Event event, String note) {}

  private final List<Seen> seen = new ArrayList<>();
  private final Map<String, Set<Long>> caches = new ConcurrentHashMap<>();
  private PrintWriter out;
  private Warren admin;

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    List<Warren> instances = new ArrayList<>();
    try {
      start(instances);
      keyUpdated();
      providerUpdated();
      spendShared();
      badSpendDeadLettered();
      say("");
      say(
          "Done: 9 events published; deliveries: core-1 "
              + countInstance("core-1")
              + ", core-2 "
              + countInstance("core-2")
              + ", audit "
              + countInstance("audit")
              + "; 1 dead letter in "
              + Subscription.named(SPEND).deadLetterQueue()
              + ".");
      say("Cache of core-1 evicted " + evicted("core-1") + ", core-2 " + evicted("core-2") + ".");
    } finally {
      closeAll(instances);
    }
    return WarrenCli.EXIT_OK;
  }

  /** Starts the admin, two core instances and the auditor, and subscribes them. */
  private void start(List<Warren> instances) {
    String run = UUID.randomUUID().toString().substring(0, 6);
    WarrenOptions base =
        cli.options().toBuilder().exchange(EXCHANGE).shutdownTimeout(Duration.ofSeconds(3)).build();
    admin = open(base, "admin", run, instances);
    Transports.of(admin).ifPresent(DemoCommand::deleteQueues); // leftovers of an interrupted run
    Warren core1 = open(base, "core-1", run, instances);
    Warren core2 = open(base, "core-2", run, instances);
    Warren audit = open(base, "audit", run, instances);

    say("Warren demo: an LLM gateway (seeds 000/001). The admin API publishes changes; two");
    say("core API instances keep their caches fresh and record spend; an auditor logs it all.");
    say("");
    say("Transport: " + admin.describe() + "; exchange " + EXCHANGE);
    warmUp();
    for (Warren core : List.of(core1, core2)) {
      String name = core == core1 ? "core-1" : "core-2";
      core.subscribe(
          Subscription.named(CACHE).pattern("virtual-key.*").broadcast(), cacheHandler(name));
      core.subscribe(
          Subscription.named(SPEND)
              .pattern("virtual-key.spend-requested")
              .prefetch(1)
              .retry(SPEND_RETRY),
          spendHandler(name));
    }
    audit.subscribe(
        Subscription.named(AUDIT).pattern("#"),
        event -> record("audit", AUDIT, event, "logged " + event.type()));
    say("");
    say("Subscriptions");
    table(
        List.of("core-1, core-2", CACHE, "virtual-key.*", "broadcast: every instance gets all"),
        List.of("core-1, core-2", SPEND, "virtual-key.spend-requested", "competing: split"),
        List.of("audit", AUDIT, "#", "competing, one instance"));
  }

  /** A key changes: every core instance must drop it from its own cache. */
  private void keyUpdated() {
    say("");
    Event updated =
        publish(
            Event.builder("virtual-key.updated")
                .data(new KeyChanged(42, "rate limit raised to 600/min"))
                .subject("42")
                .partitionKey("42")
                .build(),
            "key 42, rate limit raised to 600/min");
    List<Seen> got = await(ids(updated), 3, "virtual-key.updated to reach both caches and audit");
    byInstance(got).forEach(this::sayReceived);
  }

  /** A provider changes: no virtual-key pattern matches it. */
  private void providerUpdated() {
    say("");
    Event provider =
        publish(
            Event.builder("provider.updated")
                .data(new ProviderChanged("openai", "new API key"))
                .subject("openai")
                .build(),
            "provider openai, new API key");
    List<Seen> got = await(ids(provider), 1, "provider.updated to reach audit");
    byInstance(got).forEach(this::sayReceived);
    say("      (the caches do not get it: provider.updated does not match virtual-key.*)");
  }

  /** Spend requests: the two core instances share the work; every cache still sees each one. */
  private void spendShared() {
    say("");
    long[] keys = {42, 7, 42, 19, 7, 42};
    String[] amounts = {"0.12", "0.03", "0.40", "1.25", "0.08", "0.02"};
    List<CompletableFuture<Event>> confirms = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      confirms.add(
          admin.publish(
              Event.builder("virtual-key.spend-requested")
                  .data(new SpendRequested(keys[i], new BigDecimal(amounts[i]), "gpt-4o-mini"))
                  .subject(Long.toString(keys[i]))
                  .partitionKey(Long.toString(keys[i]))
                  .build()));
    }
    List<Event> spent = confirms.stream().map(CompletableFuture::join).toList();
    say(
        "[admin] published "
            + spent.size()
            + " x virtual-key.spend-requested (keys 42, 7, 42, 19, 7, 42)");
    List<Seen> got = await(ids(spent), spent.size() * 4, "the spend events to reach everyone");
    for (Event e : spent) {
      got.stream()
          .filter(s -> s.event().id().equals(e.id()) && s.subscription().equals(SPEND))
          .forEach(this::sayReceived);
    }
    say(
        "      "
            + SPEND
            + " split them: "
            + countBy(got, SPEND)
            + " (one queue, each event to one instance)");
    say(
        "      "
            + CACHE
            + ": "
            + countBy(got, CACHE)
            + " (a queue per instance; spend events evict nothing)");
    say("      " + AUDIT + ": " + countBy(got, AUDIT));
  }

  /** A malformed spend request fails every attempt and ends in the dead-letter queue. */
  private void badSpendDeadLettered() {
    say("");
    Event bad =
        publish(
            Event.builder("virtual-key.spend-requested")
                .data(new SpendRequested(13, new BigDecimal("-5.00"), "gpt-4o-mini"))
                .subject("13")
                .partitionKey("13")
                .build(),
            "key 13, amount -5.00");
    int attempts = SPEND_RETRY.maxAttempts();
    List<Seen> got = await(ids(bad), 3 + attempts, "the bad event to be tried " + attempts + "x");
    got.stream().filter(s -> s.subscription().equals(SPEND)).forEach(this::sayReceived);
    say(
        "      (retry policy: "
            + SPEND_RETRY.immediateRetries()
            + " immediate retry, then a retry after "
            + SPEND_RETRY.delays().get(0).toMillis()
            + " ms held by the broker: "
            + attempts
            + " attempts)");
    say("      (the caches and audit got it once, as usual: a failure stays in its subscription)");
    DeadLetter dead = awaitDeadLetter(admin.deadLetters(SPEND));
    say(
        "      -> dead-lettered to "
            + Subscription.named(SPEND).deadLetterQueue()
            + ": event "
            + dead.id()
            + " after "
            + dead.attempts()
            + " attempts");
    say("         error: " + dead.errorType() + ": " + dead.errorMessage());
    say("         (warren.deadLetters(\"" + SPEND + "\") can replay or purge it)");
  }

  /**
   * why: the first JSON read of a record type takes a while (class loading); done before the
   * subscriptions start, it does not make the first instance look slow in the competing split
   */
  private static void warmUp() {
    byte[] json = "{\"keyId\":1,\"amount\":0.01,\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
    Event.builder("demo.warm-up").data(json, Event.JSON).build().data(SpendRequested.class);
    Event.builder("demo.warm-up").data(json, Event.JSON).build().data(KeyChanged.class);
  }

  private Warren open(WarrenOptions base, String name, String run, List<Warren> instances) {
    Warren w =
        Warren.create(
            base.toBuilder().source("/conduit/" + name).instanceId(name + "-" + run).build());
    instances.add(w);
    return w;
  }

  private void closeAll(List<Warren> instances) {
    // why: subscribers first (the admin is the first opened), so nothing is consumed from queues
    // about to be deleted
    for (int i = instances.size() - 1; i >= 1; i--) {
      instances.get(i).close();
    }
    if (admin != null) {
      Transports.of(admin).ifPresent(DemoCommand::deleteQueues);
      admin.close();
    }
  }

  private static void deleteQueues(Transport transport) {
    for (String name : List.of(CACHE, SPEND, AUDIT)) {
      transport.deleteQueue(name + ".dlq");
    }
    transport.deleteQueue(SPEND);
    transport.deleteQueue(AUDIT);
    Subscription spend = Subscription.named(SPEND).pattern("#");
    for (Duration delay : SPEND_RETRY.delays()) {
      transport.deleteQueue(Topology.waitQueueSpec(spend, SPEND, delay).name());
    }
  }

  private EventHandler cacheHandler(String instance) {
    Set<Long> evicted = caches.computeIfAbsent(instance, k -> ConcurrentHashMap.newKeySet());
    return event -> {
      if (event.type().equals("virtual-key.updated")) {
        long key = event.data(KeyChanged.class).keyId();
        evicted.add(key);
        record(instance, CACHE, event, "evicted key " + key + " from its cache");
      } else {
        record(instance, CACHE, event, "nothing to evict for " + event.type());
      }
    };
  }

  private EventHandler spendHandler(String instance) {
    return event -> {
      SpendRequested spend = event.data(SpendRequested.class);
      if (spend.amount().signum() < 0) {
        IllegalArgumentException failure =
            new IllegalArgumentException("amount " + spend.amount() + " is negative");
        record(
            instance,
            SPEND,
            event,
            "attempt " + (attempt(event) + 1) + " failed: " + failure.getMessage());
        throw failure;
      }
      // why: a little work per event (a ledger write), so the two instances visibly take turns
      Thread.sleep(LEDGER_WRITE.toMillis());
      record(instance, SPEND, event, "charged key " + spend.keyId() + " $" + spend.amount());
    };
  }

  private synchronized long attempt(Event event) {
    return seen.stream()
        .filter(s -> s.event().id().equals(event.id()) && s.subscription().equals(SPEND))
        .count();
  }

  private synchronized void record(String instance, String subscription, Event e, String note) {
    seen.add(new Seen(instance, subscription, e, note));
    notifyAll();
  }

  private Event publish(Event event, String what) {
    Event confirmed = admin.publish(event).join();
    say("[admin] published " + confirmed.type() + " (" + what + ")");
    say("        id " + confirmed.id() + ", confirmed by the broker");
    return confirmed;
  }

  private static Set<String> ids(Event... events) {
    return ids(List.of(events));
  }

  private static Set<String> ids(List<Event> events) {
    return events.stream().map(Event::id).collect(Collectors.toSet());
  }

  /** Waits until {@code expected} deliveries of these events were seen. */
  private synchronized List<Seen> await(Set<String> ids, int expected, String what) {
    Predicate<Seen> mine = s -> ids.contains(s.event().id());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (seen.stream().filter(mine).count() < expected) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new WarrenException(
            "demo: timed out after " + WAIT.toSeconds() + "s waiting for " + what);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WarrenException("demo: interrupted while waiting for " + what, e);
      }
    }
    return seen.stream().filter(mine).toList();
  }

  /** Deliveries of one event, by instance, so the narration reads the same every run. */
  private static List<Seen> byInstance(List<Seen> deliveries) {
    return deliveries.stream()
        .sorted(Comparator.comparing(Seen::instance).thenComparing(Seen::subscription))
        .toList();
  }

  private static DeadLetter awaitDeadLetter(DeadLetters deadLetters) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      List<DeadLetter> first = deadLetters.peek(1);
      if (!first.isEmpty()) {
        return first.get(0);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new WarrenException(
        "demo: no dead letter arrived in "
            + Subscription.named(deadLetters.subscription()).deadLetterQueue()
            + " within "
            + WAIT.toSeconds()
            + "s");
  }

  private synchronized String countBy(List<Seen> got, String subscription) {
    Map<String, Long> counts =
        got.stream()
            .filter(s -> s.subscription().equals(subscription))
            .collect(Collectors.groupingBy(Seen::instance, TreeMap::new, Collectors.counting()));
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private synchronized long countInstance(String instance) {
    return seen.stream().filter(s -> s.instance().equals(instance)).count();
  }

  private String evicted(String instance) {
    Set<Long> keys = caches.getOrDefault(instance, Set.of());
    return keys.isEmpty() ? "nothing" : "key(s) " + keys;
  }

  private void sayReceived(Seen s) {
    say(String.format("      %-7s %-24s %s", s.instance(), s.subscription(), s.note()));
  }

  @SafeVarargs
  private void table(List<String>... rows) {
    for (List<String> row : rows) {
      say(String.format("  %-15s %-24s %-28s %s", row.get(0), row.get(1), row.get(2), row.get(3)));
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
