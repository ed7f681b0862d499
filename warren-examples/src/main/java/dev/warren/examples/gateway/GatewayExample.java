package dev.warren.examples.gateway;

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
import dev.warren.examples.gateway.ImageTasks.ImageRequest;
import dev.warren.examples.gateway.ImageTasks.Update;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The LLM gateway of seeds 000 and 001 on Warren: an admin API that only publishes, two core API
 * instances that keep their caches fresh (broadcast), record spend one key at a time in order
 * (ordered partitions, handed over when an instance drains), and run image generation as tasks.
 *
 * <p>Every process is a Warren instance of its own, on the exchange {@value #EXCHANGE}; on RabbitMQ
 * they are separate connections, as separate processes would be.
 */
public final class GatewayExample implements Example {
  static final String EXCHANGE = "warren.examples.gateway";
  static final List<String> KEYS = List.of("vk-alpha", "vk-beta", "vk-gamma");
  static final int SPENDS_PER_KEY = 20;

  /** What the core instances' caches hold at start. */
  static final List<String> CACHED =
      List.of(
          "virtual-key vk-alpha",
          "virtual-key vk-beta",
          "virtual-key vk-gamma",
          "provider anthropic",
          "provider legacy-azure",
          "provider openai");

  static final String GOOD_PROMPT = "a lighthouse at dusk, watercolor";
  static final String REFUSED_PROMPT = "a photo of my passport";

  /** The running processes, for tests that look at them mid-run. */
  record Gateway(AdminApi admin, List<CoreInstance> cores, SpendLedger ledger, ImageTasks images) {}

  private final Consumer<Gateway> onStarted;

  /** The example as {@code ./warren demo gateway} runs it. */
  public GatewayExample() {
    this(gateway -> {});
  }

  /**
   * @param onStarted called once every process is up and subscribed, before anything is published
   */
  GatewayExample(Consumer<Gateway> onStarted) {
    this.onStarted = onStarted;
  }

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public String title() {
    return "LLM gateway: a publisher-only admin API, core instances with broadcast cache"
        + " invalidation, ordered spend, image tasks";
  }

  @Override
  public ExampleResult run(ExampleContext context) {
    return new Run(context).play();
  }

  /** One run of the script. */
  private final class Run {
    private final ExampleContext ctx;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final Map<String, Long> figures = new LinkedHashMap<>();
    private final List<String> facts = new ArrayList<>();
    private final SpendLedger ledger = new SpendLedger();
    private final ImageTasks images = new ImageTasks();
    private final List<CoreInstance> cores = new ArrayList<>();
    private AdminApi admin;

    Run(ExampleContext ctx) {
      this.ctx = ctx;
    }

    ExampleResult play() {
      try {
        start();
        invalidateCaches();
        recordSpend();
        generateImages();
      } finally {
        stop();
      }
      String summary =
          String.format(
              "4 changes evicted on %d caches; %d spends applied in order (%s), totals exact;"
                  + " 1 image completed after a retry, 1 failed",
              cores.size(),
              ledger.applied(),
              ledger.appliedBy().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", ")));
      return new ExampleResult(name(), summary, figures, facts);
    }

    private Warren open(String process) {
      WarrenOptions options =
          ctx.options().toBuilder()
              .exchange(EXCHANGE)
              .source("/gateway/" + process)
              .instanceId(process + "-" + run)
              .shutdownTimeout(Duration.ofSeconds(3))
              // why: the gateway relays task.image.generate.progress and .retrying to its clients
              .taskEvents(true)
              .build();
      return Warren.create(options);
    }

    private void start() {
      ctx.say(
          "LLM gateway (seeds 000/001): the admin API publishes, two core API instances consume.");
      admin = new AdminApi(open("admin"));
      ctx.say("Transport: %s; exchange %s", admin.warren().describe(), EXCHANGE);
      deleteQueues(); // leftovers of an interrupted run
      for (String name : List.of("core-1", "core-2")) {
        CoreInstance core = new CoreInstance(name, open(name), CACHED);
        cores.add(core);
        core.start(ledger, images);
      }
      ctx.say("");
      ctx.say("Who consumes what");
      TextTable.of("process", "subscription", "patterns", "how")
          .row(
              "core-1, core-2",
              CoreInstance.CACHE_INVALIDATION.name(),
              String.join(" ", CoreInstance.CACHE_INVALIDATION.patterns()),
              "broadcast: a queue per instance")
          .row(
              "core-1, core-2",
              CoreInstance.SPEND_LEDGER.name(),
              String.join(" ", CoreInstance.SPEND_LEDGER.patterns()),
              "ordered: 4 partitions by key")
          .row(
              "core-1, core-2",
              CoreInstance.IMAGE_UPDATES.name(),
              "task.image.generate.{progress,retrying} image.{completed,failed}",
              "competing: one instance relays each")
          .row(
              "core-1, core-2",
              "task " + ImageTasks.TASK,
              "task queue " + ImageTasks.QUEUE,
              "workers, one task at a time")
          .row("admin", "-", "-", "publisher only")
          .say(ctx, "  ");
      int adminSubscriptions = admin.warren().subscriptions().size();
      Expect.that(
          adminSubscriptions == 0,
          "the admin API must consume nothing, but it has %d subscription(s)",
          adminSubscriptions);
      figures.put("admin subscriptions", (long) adminSubscriptions);
      List<String> perProcess = new ArrayList<>();
      perProcess.add("admin 0 subscriptions");
      for (CoreInstance core : cores) {
        perProcess.add(
            core.name()
                + " "
                + core.warren().subscriptions().size()
                + " subscriptions + 1 task worker");
      }
      ctx.say(
          "  (%s: the admin API declares no queue and holds no consumer)",
          String.join(", ", perProcess));
      onStarted.accept(new Gateway(admin, List.copyOf(cores), ledger, images));
    }

    /** Admin changes: every core instance evicts each from its own cache. */
    private void invalidateCaches() {
      ctx.say("");
      ctx.say("1. Cache invalidation (broadcast)");
      List<Event> changes =
          List.of(
              admin.updateKey("vk-alpha", "rate limit raised to 600/min"),
              admin.deleteKey("vk-gamma"),
              admin.updateProvider("openai", "API key rotated"),
              admin.deleteProvider("legacy-azure"));
      for (Event e : changes) {
        ctx.say("  [admin] published %-20s %s", e.type(), e.dataAsString());
      }
      List<String> expected =
          List.of(
              "virtual-key vk-alpha",
              "virtual-key vk-gamma",
              "provider openai",
              "provider legacy-azure");
      Expect.within(
          ctx,
          "every core instance to evict the 4 changed entries",
          () -> cores.stream().allMatch(c -> c.evicted().containsAll(expected)));
      TextTable table = TextTable.of("instance", "evicted", "cache now holds");
      for (CoreInstance core : cores) {
        table.row(core.name(), String.join(", ", core.evicted()), String.join(", ", core.cache()));
        Expect.that(
            core.evicted().size() == expected.size(),
            "%s evicted %s, expected each of %s once",
            core.name(),
            core.evicted(),
            expected);
        figures.put("evicted on " + core.name(), (long) core.evicted().size());
        facts.add(core.name() + " evicted " + String.join(", ", core.evicted()));
      }
      table.say(ctx, "  ");
      ctx.say("  Each instance got every change on its own queue: no cache kept a stale entry.");
    }

    /** Spend requests: applied by partition holders, in order per key, exactly once. */
    private void recordSpend() {
      ctx.say("");
      ctx.say("2. Spend (ordered by virtual key)");
      ledger.refuseOnce("vk-beta", 4);
      Map<String, BigDecimal> published = new TreeMap<>();
      int half = SPENDS_PER_KEY / 2;
      List<CompletableFuture<Event>> first = publishSpend(1, half, published);
      ctx.say(
          "  [admin] published %d x virtual-key.spend-requested (%d per key for %s), partition"
              + " key = key id",
          first.size(), half, String.join(", ", KEYS));
      Expect.within(ctx, "the ledger to apply the first spends", () -> ledger.applied() >= 10);
      Map<String, Long> before = ledger.appliedBy();
      CoreInstance drained = cores.get(0);
      drained.stopLedger();
      ctx.say(
          "  %s drained mid-stream (ledger applied %s so far): its partitions move to %s;"
              + " what it had not acknowledged goes back, in order",
          drained.name(), describe(before), cores.get(1).name());
      List<CompletableFuture<Event>> second = publishSpend(half + 1, SPENDS_PER_KEY, published);
      ctx.say("  [admin] published %d more", second.size());
      first.forEach(CompletableFuture::join);
      second.forEach(CompletableFuture::join);
      long total = (long) KEYS.size() * SPENDS_PER_KEY;
      Expect.within(
          ctx, "the ledger to apply all " + total + " spends", () -> ledger.applied() == total);

      TextTable table = TextTable.of("key", "events", "published total", "ledger total");
      Map<String, BigDecimal> totals = ledger.totals();
      for (String key : KEYS) {
        table.row(key, SPENDS_PER_KEY, published.get(key), totals.get(key));
        Expect.that(
            published.get(key).compareTo(totals.getOrDefault(key, BigDecimal.ZERO)) == 0,
            "spend of %s is %s in the ledger, but %s was published",
            key,
            totals.get(key),
            published.get(key));
        facts.add("spend " + key + " " + totals.get(key) + " = published " + published.get(key));
      }
      table.say(ctx, "  ");
      Map<String, Long> by = ledger.appliedBy();
      ctx.say("  applied by: %s; duplicates skipped: %d", describe(by), ledger.duplicates());
      Expect.that(
          ledger.outOfOrder().isEmpty(), "spend applied out of order: %s", ledger.outOfOrder());
      Expect.that(
          by.getOrDefault(cores.get(1).name(), 0L) >= (long) KEYS.size() * half,
          "%s should have applied every spend after the handover, applied by: %s",
          cores.get(1).name(),
          by);
      Expect.that(
          ledger.refused().size() == 1, "one ledger write should fail once: %s", ledger.refused());
      ctx.say(
          "  retried: %s's first write of vk-beta #4 failed (ledger busy) and was retried in"
              + " place; vk-beta #5.. waited behind it",
          ledger.refused().get(0).split(" ")[0]);
      ctx.say("  every key's spend was applied in sequence order, once: totals are exact");
      figures.put("spend events", total);
      by.forEach((instance, n) -> figures.put("spend applied by " + instance, n));
      figures.put("ledger writes retried", (long) ledger.refused().size());
      figures.put("spend out of order", (long) ledger.outOfOrder().size());
    }

    private List<CompletableFuture<Event>> publishSpend(
        int from, int to, Map<String, BigDecimal> published) {
      List<CompletableFuture<Event>> confirms = new ArrayList<>();
      for (int seq = from; seq <= to; seq++) {
        for (int k = 0; k < KEYS.size(); k++) {
          // why: fixed amounts, so every run adds up to the same totals
          BigDecimal amount = BigDecimal.valueOf((seq * 37L + k * 11L) % 97 + 1, 4);
          published.merge(KEYS.get(k), amount, BigDecimal::add);
          confirms.add(admin.requestSpend(KEYS.get(k), seq, amount));
        }
      }
      return confirms;
    }

    /** Two image generations: one completes after a provider timeout, one is refused. */
    private void generateImages() {
      ctx.say("");
      ctx.say("3. Image generation (a Warren task)");
      images.timeOutOnce(GOOD_PROMPT);
      CoreInstance first = cores.get(0);
      CoreInstance second = cores.get(1);
      TaskHandle<?> good =
          images.submit(first.warren(), new ImageRequest(GOOD_PROMPT, "1024x1024"));
      ctx.say(
          "  [%s] submitted %s \"%s\": task %s",
          first.name(), ImageTasks.TASK, GOOD_PROMPT, good.id());
      TaskHandle<?> refused =
          images.submit(second.warren(), new ImageRequest(REFUSED_PROMPT, "512x512"));
      ctx.say(
          "  [%s] submitted %s \"%s\": task %s",
          second.name(), ImageTasks.TASK, REFUSED_PROMPT, refused.id());
      TaskStatus goodStatus = good.await(ctx.timeout());
      TaskStatus refusedStatus = refused.await(ctx.timeout());
      Expect.within(
          ctx,
          "the image updates to reach the clients",
          () ->
              images.updates(good.id(), "task.image.generate.progress").size() == 5
                  && images.updates(good.id(), "task.image.generate.retrying").size() == 1
                  && images.updates(good.id(), "image.completed").size() == 1
                  && images.updates(refused.id(), "task.image.generate.progress").size() == 1
                  && images.updates(refused.id(), "image.failed").size() == 1);
      narrate(good, goodStatus);
      narrate(refused, refusedStatus);

      Expect.that(
          goodStatus.state() == TaskState.SUCCESS && goodStatus.attempt() == 2,
          "task %s should succeed on attempt 2, it is %s after %d attempt(s)",
          good.id(),
          goodStatus.state(),
          goodStatus.attempt());
      String url = images.updates(good.id(), "image.completed").get(0).detail();
      Expect.that(
          goodStatus.result() != null && goodStatus.result().contains(url),
          "task result %s should carry the URL of image.completed %s",
          goodStatus.result(),
          url);
      List<Double> lastAttempt =
          images.updates(good.id(), "task.image.generate.progress").stream()
              .filter(u -> u.attempt() == 2)
              .map(Update::progress)
              .sorted()
              .toList();
      Expect.that(
          lastAttempt.equals(List.of(0.25, 0.5, 0.75, 1.0)),
          "progress of attempt 2 should be 25, 50, 75, 100 %%, was %s",
          lastAttempt);
      Expect.that(
          refusedStatus.state() == TaskState.FAILURE && refusedStatus.attempt() == 1,
          "task %s should fail on its first attempt, it is %s after %d attempt(s)",
          refused.id(),
          refusedStatus.state(),
          refusedStatus.attempt());
      figures.put("images completed", 1L);
      figures.put("images failed", 1L);
      figures.put("image task retries", (long) goodStatus.attempt() - 1);
      facts.add("image.completed " + url);
      facts.add("image.failed " + images.updates(refused.id(), "image.failed").get(0).detail());
    }

    private void narrate(TaskHandle<?> task, TaskStatus status) {
      ctx.say("  task %s:", task.id());
      List<Update> updates =
          images.updates().stream()
              .filter(u -> u.taskId().equals(task.id()))
              .sorted(
                  Comparator.<Update>comparingInt(
                          u -> u.attempt() == 0 ? Integer.MAX_VALUE : u.attempt())
                      .thenComparing(u -> order(u.type()))
                      .thenComparing(u -> u.progress() == null ? 0 : u.progress()))
              .toList();
      for (Update u : updates) {
        String what =
            switch (u.type()) {
              case "task.image.generate.progress" ->
                  String.format(
                      "attempt %d %3d%% %s",
                      u.attempt(), Math.round(u.progress() * 100), u.detail());
              case "task.image.generate.retrying" ->
                  "attempt " + u.attempt() + " failed, retrying after 100 ms: " + u.detail();
              default -> u.detail();
            };
        ctx.say("    %-7s relayed %-28s %s", u.instance(), u.type(), what);
      }
      ctx.say(
          "    -> %s after %d attempt(s), run by %s%s",
          status.state(),
          status.attempt(),
          status.worker(),
          status.error() == null ? "" : ": " + status.error().message());
    }

    private static int order(String type) {
      return switch (type) {
        case "task.image.generate.progress" -> 0;
        case "task.image.generate.retrying" -> 1;
        default -> 2;
      };
    }

    private String describe(Map<String, Long> appliedBy) {
      return appliedBy.isEmpty()
          ? "nothing"
          : appliedBy.entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", "));
    }

    private void stop() {
      // why: consumers first, so nothing is consumed from queues about to be deleted
      for (CoreInstance core : cores) {
        core.close();
      }
      if (admin != null) {
        deleteQueues();
        admin.close();
      }
    }

    private void deleteQueues() {
      for (Subscription s :
          List.of(
              CoreInstance.CACHE_INVALIDATION,
              CoreInstance.SPEND_LEDGER,
              CoreInstance.IMAGE_UPDATES)) {
        ExampleQueues.delete(admin.warren(), s);
      }
      ExampleQueues.deleteTaskQueue(admin.warren(), ImageTasks.QUEUE);
    }
  }
}
