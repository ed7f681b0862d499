package dev.warren.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.tasks.TaskError;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskTransition;
import dev.warren.tasks.spi.TaskLookup;
import dev.warren.tasks.spi.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link TaskStore} passes. Subclass it once per store and implement {@link
 * #createStore()} (on a database, schema or key prefix of the test's own) and {@link #reopen()}.
 */
@Timeout(value = 60, unit = SECONDS)
public abstract class TaskStoreContractTest {
  /** The store under test, created before each test and closed after it. */
  protected TaskStore store;

  private final List<TaskStore> opened = new ArrayList<>();

  /**
   * @return a new store, empty as far as the test's ids are concerned
   */
  protected abstract TaskStore createStore();

  /**
   * @return another connection to the same store, as another process would open it
   */
  protected abstract TaskStore reopen();

  @BeforeEach
  void open() {
    store = createStore();
    opened.add(store);
  }

  @AfterEach
  void closeStores() {
    for (TaskStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  /**
   * @return another connection, closed after the test
   */
  protected TaskStore other() {
    TaskStore s = reopen();
    opened.add(s);
    return s;
  }

  /**
   * @param state the state
   * @return a new task status in that state, with a history
   */
  protected static TaskStatus status(TaskState state) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new TaskStatus(
            UUID.randomUUID().toString(),
            "image.render",
            "warren.tasks.default",
            TaskState.PENDING,
            0,
            null,
            null,
            null,
            null,
            now,
            now,
            now,
            null,
            "submitter",
            List.of())
        .to(TaskState.PENDING, now, "submitter", null)
        .to(state, now, "w1", state == TaskState.PENDING ? null : "moved");
  }

  @Test
  void aStatusReadsBackAsWritten() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TaskStatus s =
        status(TaskState.STARTED)
            .withAttempt(2)
            .withProgress(0.25, "{\"stage\":\"render\",\"ünï\":\"→\"}")
            .to(TaskState.PROGRESS, now, "w1", null)
            .withOutcome(null, new TaskError("java.io.IOException", "disk full", "at x\nat y"))
            .withExpiresAt(now.plus(Duration.ofHours(1)));
    store.put(s);

    TaskStatus read = store.get(s.id()).orElseThrow();

    assertThat(read).isEqualTo(s);
    assertThat(read.history())
        .extracting(TaskTransition::state)
        .containsExactly(TaskState.PENDING, TaskState.STARTED, TaskState.PROGRESS);
  }

  @Test
  void anUnknownTaskIsEmpty() {
    assertThat(store.get(UUID.randomUUID().toString())).isEmpty();
    assertThat(store.revokedAt(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void aPutReplacesTheStatus() {
    TaskStatus s = status(TaskState.STARTED);
    store.put(s);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TaskStatus done = s.withOutcome("{\"ok\":true}", null).to(TaskState.SUCCESS, now, "w1", null);
    store.put(done);

    assertThat(store.get(s.id()).orElseThrow().state()).isEqualTo(TaskState.SUCCESS);
    assertThat(store.get(s.id()).orElseThrow().result()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void anotherConnectionSeesTheSameTasks() {
    TaskStatus s = status(TaskState.PENDING);
    store.put(s);

    assertThat(other().get(s.id())).contains(s);
  }

  @Test
  void anExpiredStatusIsForgotten() throws InterruptedException {
    Instant now = Instant.now();
    TaskStatus past = status(TaskState.SUCCESS).withExpiresAt(now.minusSeconds(1));
    // why: 3 s ahead, so a loaded machine still reads it before it expires
    TaskStatus soon = status(TaskState.SUCCESS).withExpiresAt(now.plusSeconds(3));
    TaskStatus kept = status(TaskState.SUCCESS).withExpiresAt(now.plusSeconds(3600));
    store.put(past);
    store.put(soon);
    store.put(kept);

    assertThat(store.get(past.id())).isEmpty();
    assertThat(store.get(soon.id())).isPresent();
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), soon.expiresAt()).toMillis() + 300));
    store.purgeExpired(Instant.now());
    assertThat(store.get(soon.id())).isEmpty();
    assertThat(store.get(kept.id())).isPresent();
  }

  @Test
  void aRevokeIsDurableAndIdempotent() {
    TaskStatus s = status(TaskState.PENDING);
    store.put(s);
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    assertThat(store.revoke(s.id(), at, at.plus(Duration.ofDays(1)))).isTrue();
    assertThat(store.revoke(s.id(), at.plusSeconds(5), at.plus(Duration.ofDays(1)))).isFalse();
    // a later status write (a worker that did not see it yet) does not undo it
    store.put(s.to(TaskState.STARTED, Instant.now(), "w1", null));

    assertThat(store.revokedAt(s.id())).contains(at);
    assertThat(other().revokedAt(s.id())).contains(at);
  }

  @Test
  void theRevokeLogPagesThroughRevokesInTheOrderTheyWereMade() {
    java.util.Optional<dev.warren.tasks.spi.TaskRevokes> start = store.revokesAfter(0, 100_000);
    if (start.isEmpty()) {
      // a store without a revoke log says so for every position
      assertThat(store.revokesAfter(42, 10)).isEmpty();
      return;
    }
    long from = start.get().position();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      assertThat(store.revoke(id, at.plusMillis(i), at.plusSeconds(60))).isTrue();
    }
    // a second revoke of the same task adds nothing to the log
    assertThat(store.revoke(ids.get(0), at.plusSeconds(1), at.plusSeconds(60))).isFalse();

    var first = other().revokesAfter(from, 3).orElseThrow();
    assertThat(first.revoked().keySet()).containsExactlyElementsOf(ids.subList(0, 3));
    assertThat(first.revoked().get(ids.get(1))).isEqualTo(at.plusMillis(1));
    var rest = other().revokesAfter(first.position(), 10).orElseThrow();
    assertThat(rest.revoked().keySet()).containsExactlyElementsOf(ids.subList(3, 5));
    var none = store.revokesAfter(rest.position(), 10).orElseThrow();
    assertThat(none.revoked()).isEmpty();
    assertThat(none.position()).isEqualTo(rest.position());
  }

  @Test
  void aRevokeOfATaskNotStoredYetCounts() {
    String id = UUID.randomUUID().toString();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    assertThat(store.revoke(id, at, at.plusSeconds(60))).isTrue();

    assertThat(store.revokedAt(id)).contains(at);
  }

  @Test
  void anExpiredRevokeIsForgotten() throws InterruptedException {
    String id = UUID.randomUUID().toString();
    Instant at = Instant.now();
    store.revoke(id, at, at.plusMillis(1200));
    assertThat(store.revokedAt(id)).isPresent();

    Thread.sleep(1700);
    store.purgeExpired(Instant.now());

    assertThat(store.revokedAt(id)).isEmpty();
  }

  @Test
  void concurrentWritersOfDifferentTasksDoNotInterfere() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<TaskStatus>> writes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        writes.add(
            pool.submit(
                () -> {
                  TaskStatus s = status(TaskState.STARTED);
                  store.put(s);
                  store.put(s.to(TaskState.SUCCESS, Instant.now(), "w", null));
                  return s;
                }));
      }
      for (Future<TaskStatus> f : writes) {
        TaskStatus s = f.get();
        assertThat(store.get(s.id()).orElseThrow().state()).isEqualTo(TaskState.SUCCESS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLargeResultFits() {
    String big = "\"" + "x".repeat(200_000) + "\"";
    TaskStatus s =
        status(TaskState.STARTED)
            .withOutcome(big, null)
            .to(TaskState.SUCCESS, Instant.now(), "w1", null);
    store.put(s);

    assertThat(store.get(s.id()).orElseThrow().result()).hasSize(big.length());
  }

  @Test
  void aListingIsNewestFirstFilteredAndLimitedWhenSupported() {
    String name = "list-" + UUID.randomUUID().toString().substring(0, 8);
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TaskStatus old = named(status(TaskState.STARTED), name, t.minusSeconds(30));
    TaskStatus done =
        named(status(TaskState.STARTED), name, t.minusSeconds(20))
            .to(TaskState.SUCCESS, t.minusSeconds(20), "w1", null)
            .withExpiresAt(t.plus(Duration.ofHours(1)));
    TaskStatus recent = named(status(TaskState.PENDING), name, t.minusSeconds(10));
    TaskStatus gone =
        named(status(TaskState.STARTED), name, t.minusSeconds(5))
            .to(TaskState.FAILURE, t.minusSeconds(5), "w1", null)
            .withExpiresAt(t.minusSeconds(1));
    List.of(old, done, recent, gone, status(TaskState.PENDING)).forEach(store::put);
    // why: every store Warren ships lists tasks; a third-party one may not, and then fails here
    List<TaskStatus> all = store.list(java.util.Set.of(), name, 10);

    assertThat(all).extracting(TaskStatus::id).containsExactly(recent.id(), done.id(), old.id());
    assertThat(store.list(java.util.Set.of(), name, 2)).hasSize(2);
    assertThat(store.list(java.util.Set.of(TaskState.SUCCESS, TaskState.STARTED), name, 10))
        .extracting(TaskStatus::id)
        .containsExactly(done.id(), old.id());
  }

  @Test
  void itListsTasksWithinARangeOfLastChanges() {
    String name = "range-" + UUID.randomUUID().toString().substring(0, 8);
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TaskStatus a = named(status(TaskState.PENDING), name, t.minusSeconds(40));
    TaskStatus b = named(status(TaskState.PENDING), name, t.minusSeconds(30));
    TaskStatus c = named(status(TaskState.STARTED), name, t.minusSeconds(20));
    TaskStatus d = named(status(TaskState.PENDING), name, t.minusSeconds(10));
    List.of(a, b, c, d).forEach(store::put);
    java.util.Set<TaskState> any = java.util.Set.of();

    assertThat(store.list(any, name, t.minusSeconds(30), null, 100))
        .extracting(TaskStatus::id)
        .as("since is inclusive")
        .containsExactly(d.id(), c.id(), b.id());
    assertThat(store.list(any, name, null, t.minusSeconds(20), 100))
        .extracting(TaskStatus::id)
        .as("until is exclusive")
        .containsExactly(b.id(), a.id());
    assertThat(store.list(any, name, t.minusSeconds(35), t.minusSeconds(5), 2))
        .extracting(TaskStatus::id)
        .containsExactly(d.id(), c.id());
    assertThat(store.list(java.util.Set.of(TaskState.PENDING), name, t.minusSeconds(35), t, 1000))
        .extracting(TaskStatus::id)
        .containsExactly(d.id(), b.id());
  }

  private static TaskStatus named(TaskStatus s, String name, Instant updatedAt) {
    return new TaskStatus(
        s.id(),
        name,
        s.queue(),
        s.state(),
        s.attempt(),
        s.progress(),
        s.progressMeta(),
        s.result(),
        s.error(),
        s.eta(),
        s.submittedAt(),
        updatedAt,
        s.expiresAt(),
        s.worker(),
        s.history());
  }

  @Test
  void aBatchPutStoresEveryStatusAsWritten() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<TaskStatus> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(
          status(TaskState.STARTED)
              .withOutcome("{\"n\":" + i + "}", null)
              .to(TaskState.SUCCESS, now, "w" + i, null)
              .withExpiresAt(now.plus(Duration.ofHours(1))));
    }

    store.putAll(batch);

    TaskStore reader = other();
    for (TaskStatus s : batch) {
      assertThat(reader.get(s.id())).contains(s);
    }
  }

  @Test
  void aBatchPutReplacesEarlierStatusesAndForgetsExpiredOnes() {
    TaskStatus running = status(TaskState.STARTED);
    TaskStatus leaving = status(TaskState.STARTED);
    store.putAll(List.of(running, leaving));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TaskStatus done =
        running
            .withOutcome("42", null)
            .to(TaskState.SUCCESS, now, "w1", null)
            .withExpiresAt(now.plus(Duration.ofHours(1)));
    TaskStatus expired =
        leaving.to(TaskState.FAILURE, now, "w1", null).withExpiresAt(now.minusSeconds(1));
    TaskStatus fresh = status(TaskState.PENDING);

    store.putAll(List.of(done, expired, fresh));

    assertThat(store.get(running.id())).contains(done);
    assertThat(store.get(leaving.id())).isEmpty();
    assertThat(store.get(fresh.id())).contains(fresh);
    assertThat(store.list(java.util.Set.of(), running.name(), 1000))
        .extracting(TaskStatus::id)
        .contains(running.id(), fresh.id())
        .doesNotContain(leaving.id());
  }

  @Test
  void anEmptyBatchChangesNothing() {
    store.putAll(List.of());

    assertThat(store.lookupAll(List.of())).isEmpty();
  }

  @Test
  void aBatchLookupReadsStatusesAndRevokesAndLeavesOutTheUnknown() {
    TaskStatus plain = status(TaskState.PENDING);
    TaskStatus revoked = status(TaskState.STARTED);
    TaskStatus gone = status(TaskState.SUCCESS).withExpiresAt(Instant.now().minusSeconds(1));
    store.putAll(List.of(plain, revoked, gone));
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    store.revoke(revoked.id(), at, at.plus(Duration.ofDays(1)));
    String onlyRevoked = UUID.randomUUID().toString();
    store.revoke(onlyRevoked, at, at.plus(Duration.ofDays(1)));
    String unknown = UUID.randomUUID().toString();

    Map<String, TaskLookup> found =
        other()
            .lookupAll(
                List.of(plain.id(), revoked.id(), gone.id(), onlyRevoked, unknown, plain.id()));

    assertThat(found)
        .containsOnlyKeys(plain.id(), revoked.id(), onlyRevoked)
        .containsEntry(plain.id(), new TaskLookup(plain, null))
        .containsEntry(revoked.id(), new TaskLookup(revoked, at))
        .containsEntry(onlyRevoked, new TaskLookup(null, at));
  }

  @Test
  void concurrentBatchesOfOverlappingTasksAllLand() throws Exception {
    List<TaskStatus> tasks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      tasks.add(status(TaskState.STARTED));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        writers.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 10; round++) {
                    List<TaskStatus> batch = new ArrayList<>(tasks);
                    // why: each writer in another order; a store that locks rows in the order
                    // given would deadlock here
                    java.util.Collections.shuffle(
                        batch, new java.util.Random(writer * 31L + round));
                    store.putAll(batch);
                  }
                }));
      }
      for (Future<?> f : writers) {
        f.get(30, SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.lookupAll(tasks.stream().map(TaskStatus::id).toList())).hasSize(100);
  }

  @Test
  void itDescribesItself() {
    assertThat(store.describe()).isNotBlank().doesNotContain("password");
  }
}
