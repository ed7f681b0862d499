package dev.warren.internal.tasks;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskOptions;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handles' futures on the in-memory broker, with the client's store reads counted: the futures
 * complete from the terminal events, with one store read per task at most.
 */
@Timeout(value = 60, unit = SECONDS)
class TaskOutcomesTest {
  private static final String QUEUE = "outcomes.test";

  private final InMemoryBroker broker = new InMemoryBroker();
  private final InMemoryTaskStore store = new InMemoryTaskStore();
  private final CountingStore counting = new CountingStore(store);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  /** Arguments with two words in each name, to see the codec's naming strategy. */
  record Pair(int leftValue, int rightValue) {}

  /** The result of {@link Pair}. */
  record Sum(int sumValue) {}

  private WarrenEngine engine(WarrenOptions.Builder options) {
    WarrenEngine engine =
        WarrenEngine.start(
            options.transport(WarrenOptions.TransportKind.MEMORY).build(),
            new InMemoryTransport(broker));
    open.add(engine);
    return engine;
  }

  /** A worker and a client on one bus; the client reads the store through the counter. */
  private TaskQueue[] workerAndClient(WarrenOptions.Builder options) {
    WarrenEngine engine = engine(options);
    TaskQueue worker = new TaskQueue(engine, engine.transport(), engine.options(), store, false);
    TaskQueue client = new TaskQueue(engine, engine.transport(), engine.options(), counting, false);
    open.add(worker);
    open.add(client);
    return new TaskQueue[] {worker, client};
  }

  private static TaskOptions on() {
    return TaskOptions.builder().queue(QUEUE).build();
  }

  @Test
  void aThousandFuturesCompleteWithOneStoreReadEachAtMost() throws Exception {
    TaskQueue[] wc = workerAndClient(WarrenOptions.builder());
    wc[0].register(
        "double",
        QUEUE,
        Integer.class,
        i -> {
          // why: a run long enough (over a second in all) that any polling would read many times
          Thread.sleep(1);
          return i * 2;
        });
    TaskQueue client = wc[1];
    int n = 1000;
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = client.submit("double", i, on()).id();
      results.add(client.task(id, Integer.class).future());
    }

    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, SECONDS);

    for (int i = 0; i < n; i++) {
      assertThat(results.get(i).join()).isEqualTo(i * 2);
    }
    // one read per future, when it is first asked for; none while waiting
    assertThat(counting.gets.get()).isLessThanOrEqualTo(n);
    Thread.sleep(300);
    assertThat(counting.gets.get()).isLessThanOrEqualTo(n);
    assertThat(client.outcomes().pending()).isZero();
  }

  @Test
  void onceTheListenerIsLiveSubmittedTasksCompleteWithoutAStoreRead() throws Exception {
    TaskQueue[] wc = workerAndClient(WarrenOptions.builder());
    wc[0].register("inc", QUEUE, Integer.class, i -> i + 1);
    TaskQueue client = wc[1];
    // the first submission starts the listener; its own future may read the store
    assertThat(client.submit("inc", 0, Integer.class, on()).future().get(20, SECONDS)).isOne();
    org.awaitility.Awaitility.await().atMost(10, SECONDS).until(() -> client.outcomes().live());
    int before = counting.gets.get();

    int n = 500;
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TaskHandle<Integer> h = client.submit("inc", i, Integer.class, on());
      // half through the handle submit gave, half through a new handle for the same id
      results.add(i % 2 == 0 ? h.future() : client.task(h.id(), Integer.class).future());
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, SECONDS);

    for (int i = 0; i < n; i++) {
      assertThat(results.get(i).join()).isEqualTo(i + 1);
    }
    // why: only a task that ended before its future was asked for is read (its outcome came and
    // went): on this broker a few; without expectations every one of the n would be
    assertThat(counting.gets.get() - before).isLessThan(n / 5);
    assertThat(client.outcomes().pending()).isZero();
    assertThat(client.outcomes().expected()).isZero();
  }

  @Test
  void aFutureWhoseOutcomeIsNeverSentCompletesFromTheStore() throws Exception {
    WarrenEngine engine = engine(WarrenOptions.builder());
    TaskQueue client = new TaskQueue(engine, engine.transport(), engine.options(), counting, false);
    open.add(client);
    Instant now = Instant.now();
    TaskStatus pending = pending("lost", now);
    store.put(pending);
    CompletableFuture<Integer> f = client.task("lost", Integer.class).future();
    Thread.sleep(500);
    assertThat(f).isNotDone();

    // the worker stored the outcome and died before sending it
    store.put(pending.withOutcome("5", null).to(TaskState.SUCCESS, Instant.now(), "w", null));

    long start = System.nanoTime();
    assertThat(f.get(TaskOutcomes.RECHECK_FIRST.toSeconds() + 5, SECONDS)).isEqualTo(5);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(TaskOutcomes.RECHECK_FIRST.plusSeconds(3));
  }

  @Test
  void anExpectationNobodyWatchesIsDroppedAndALaterWatchReadsTheStore() throws Exception {
    WarrenEngine engine = engine(WarrenOptions.builder());
    TaskQueue client = new TaskQueue(engine, engine.transport(), engine.options(), counting, false);
    open.add(client);
    TaskOutcomes outcomes =
        new TaskOutcomes(
            client, engine.transport(), engine.options().exchange(), "t", Duration.ofMillis(500));
    open.add(outcomes);
    outcomes.start();
    org.awaitility.Awaitility.await().atMost(10, SECONDS).until(outcomes::live);
    Instant now = Instant.now();
    TaskStatus done =
        pending("early", now).withOutcome("7", null).to(TaskState.SUCCESS, now, "w", null);

    outcomes.expect("early");
    assertThat(outcomes.expected()).isOne();
    // the once-a-second check drops it: nobody watched it within 500 ms
    org.awaitility.Awaitility.await()
        .atMost(5, SECONDS)
        .until(() -> outcomes.expected() == 0 && outcomes.pending() == 0);
    outcomes.expect("later");
    assertThat(outcomes.expected()).isOne();
    assertThat(outcomes.pending()).isOne();

    // its outcome came and went unseen; a watch now finds it in the store
    store.put(done);
    int before = counting.gets.get();
    assertThat(outcomes.watch("early").get(10, SECONDS).result()).isEqualTo("7");
    assertThat(counting.gets.get() - before).isOne();
    // a watched expectation is kept until its outcome, however long that takes
    CompletableFuture<TaskOutcome> later = outcomes.watch("later");
    Thread.sleep(2000);
    assertThat(later).isNotDone();
    assertThat(outcomes.pending()).isOne();
    outcomes.settle(new TaskOutcome("later", "n", TaskState.SUCCESS, "8", false, null, null));
    assertThat(later.get(10, SECONDS).result()).isEqualTo("8");
  }

  @Test
  void aLargeResultIsLeftOutOfTheEventAndReadFromTheStoreOnce() throws Exception {
    TaskQueue[] wc = workerAndClient(WarrenOptions.builder());
    String big = "x".repeat(TaskQueue.MAX_EVENT_RESULT_CHARS + 1);
    CompletableFuture<Void> release = new CompletableFuture<>();
    wc[0].register(
        "big",
        QUEUE,
        String.class,
        s -> {
          release.get(10, SECONDS);
          return big;
        });
    wc[1].submit("big", "warm-up", String.class, on());
    org.awaitility.Awaitility.await().atMost(10, SECONDS).until(() -> wc[1].outcomes().live());
    TaskHandle<String> h = wc[1].submit("big", "go", String.class, on());
    CompletableFuture<String> f = h.future();
    // expected before it was published: the watch reads nothing
    Thread.sleep(200);
    int before = counting.gets.get();

    release.complete(null);

    assertThat(f.get(20, SECONDS)).isEqualTo(big);
    assertThat(counting.gets.get() - before).isOne();
  }

  @Test
  void theEventCarriesTheOutcomeAndLeavesOutOnlyLargeResults() {
    Instant now = Instant.now();
    TaskStatus small =
        new TaskStatus(
                "id1",
                "n",
                "q",
                TaskState.STARTED,
                1,
                null,
                null,
                null,
                null,
                now,
                now,
                now,
                null,
                "w",
                List.of())
            .withOutcome("{\"a\":1}", null)
            .to(TaskState.SUCCESS, now, "w", null);
    ObjectNode data = TaskQueue.eventData(small);
    TaskOutcome o = TaskOutcome.fromEvent(data);

    assertThat(o.id()).isEqualTo("id1");
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(o.result()).isEqualTo("{\"a\":1}");
    assertThat(o.resultInStore()).isFalse();

    TaskStatus large =
        small.withOutcome("\"" + "y".repeat(TaskQueue.MAX_EVENT_RESULT_CHARS) + "\"", null);
    ObjectNode bigData = TaskQueue.eventData(large);
    assertThat(bigData.has("result")).isFalse();
    assertThat(TaskOutcome.fromEvent(bigData).resultInStore()).isTrue();

    assertThat(
            TaskOutcome.fromEvent(TaskQueue.eventData(small.to(TaskState.RETRY, now, "w", null))))
        .isNull();
  }

  @Test
  void argumentsAndResultsUseTheInstanceCodec() throws Exception {
    ObjectMapper snake =
        new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    TaskQueue[] wc = workerAndClient(WarrenOptions.builder().codec(JsonDataCodec.of(snake)));
    wc[0].register("add", QUEUE, Pair.class, p -> new Sum(p.leftValue() + p.rightValue()));

    TaskHandle<Sum> h = wc[1].submit("add", new Pair(2, 3), Sum.class, on());

    assertThat(h.future().get(20, SECONDS)).isEqualTo(new Sum(5));
    assertThat(h.status().result()).isEqualTo("{\"sum_value\":5}");
  }

  @Test
  void closingRemovesTheListenerQueue() throws Exception {
    TaskQueue[] wc = workerAndClient(WarrenOptions.builder());
    wc[0].register("echo", QUEUE, String.class, s -> s);
    TaskQueue client = wc[1];
    assertThat(client.submit("echo", "hi", String.class, on()).future().get(20, SECONDS))
        .isEqualTo("hi");
    String queue = client.outcomes().queue();
    WarrenEngine engine = (WarrenEngine) open.get(0);
    assertThat(engine.transport().queueInfo(queue)).isPresent();

    client.close();

    assertThat(engine.transport().queueInfo(queue)).isEmpty();
  }

  @Test
  void anUnknownTaskFailsItsFutureInsteadOfWaitingForever() {
    TaskQueue client = workerAndClient(WarrenOptions.builder())[1];

    CompletableFuture<String> f = client.task("no-such-task", String.class).future();

    assertThat(f)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(dev.warren.tasks.TaskStoreException.class);
  }

  /** A task as submitted, on {@link #QUEUE}. */
  private static TaskStatus pending(String id, Instant now) {
    return TaskMessage.firstStatus(id, "n", QUEUE, TaskState.PENDING, now, now, now, "w", null);
  }

  /** Counts reads of a store. */
  private static final class CountingStore extends ForwardingTaskStore {
    final AtomicInteger gets = new AtomicInteger();

    CountingStore(TaskStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<TaskStatus> get(String id) {
      gets.incrementAndGet();
      return super.get(id);
    }
  }
}
