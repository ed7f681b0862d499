package dev.warren.internal.tasks;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commit: what queues up while a batch is in flight goes to the store as one {@code putAll},
 * a task's intermediate state in the same batch as its final one is not written, and a failed batch
 * fails the durable writes that were in it.
 */
@Timeout(value = 30, unit = SECONDS)
class TaskStoreBatchesTest {

  /** An in-memory store that records its batches and can hold the first one. */
  private static final class RecordingStore {
    final InMemoryTaskStore store = new InMemoryTaskStore();
    final List<List<TaskStatus>> batches = new ArrayList<>();
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile RuntimeException failWith;

    dev.warren.tasks.spi.TaskStore asStore() {
      RecordingStore self = this;
      return new dev.warren.tasks.spi.TaskStore() {
        @Override
        public String describe() {
          return "recording";
        }

        @Override
        public void put(TaskStatus status) {
          putAll(List.of(status));
        }

        @Override
        public void putAll(Collection<TaskStatus> statuses) {
          synchronized (self) {
            batches.add(List.copyOf(statuses));
          }
          firstStarted.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          RuntimeException e = failWith;
          if (e != null) {
            throw e;
          }
          store.putAll(statuses);
        }

        @Override
        public java.util.Optional<TaskStatus> get(String id) {
          return store.get(id);
        }

        @Override
        public boolean revoke(String id, Instant at, Instant keepUntil) {
          return store.revoke(id, at, keepUntil);
        }

        @Override
        public java.util.Optional<Instant> revokedAt(String id) {
          return store.revokedAt(id);
        }

        @Override
        public int purgeExpired(Instant now) {
          return 0;
        }

        @Override
        public void close() {}
      };
    }
  }

  private static TaskStatus pending() {
    Instant now = Instant.now();
    return new TaskStatus(
        UUID.randomUUID().toString(),
        "t",
        "q",
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
        "w",
        List.of());
  }

  @Test
  void writesQueuedDuringABatchGoOutTogetherAndATasksLatestStateWins() throws Exception {
    RecordingStore recording = new RecordingStore();
    try (TaskStoreBatches batches = new TaskStoreBatches(recording.asStore(), false, 1)) {
      TaskStatus blocker = pending();
      CompletableFuture<Void> first = batches.write(blocker);
      assertThat(recording.firstStarted.await(10, SECONDS)).isTrue();

      // while the first batch is in flight: a task's STARTED (not waited for), then its SUCCESS
      TaskStatus a = pending();
      TaskStatus b = pending();
      TaskStatus started = a.to(TaskState.STARTED, Instant.now(), "w", null);
      batches.writeLater(started);
      CompletableFuture<Void> bWritten = batches.write(b);
      TaskStatus done = started.to(TaskState.SUCCESS, Instant.now(), "w", null);
      CompletableFuture<Void> aDone = batches.write(done);
      recording.release.countDown();

      CompletableFuture.allOf(first, bWritten, aDone).get(10, SECONDS);
      synchronized (recording) {
        assertThat(recording.batches).hasSize(2);
        assertThat(recording.batches.get(0)).containsExactly(blocker);
        // one write for a: its SUCCESS, the STARTED it replaced never reaches the store
        assertThat(recording.batches.get(1)).containsExactlyInAnyOrder(done, b);
      }
      assertThat(recording.store.get(a.id())).contains(done);
      assertThat(batches.lookup(a.id()).status()).isEqualTo(done);
      assertThat(batches.lookup(UUID.randomUUID().toString()).status()).isNull();
    }
  }

  @Test
  void aFailedBatchFailsTheDurableWritesInIt() throws Exception {
    RecordingStore recording = new RecordingStore();
    recording.failWith = new TaskStoreException("the store is away");
    recording.release.countDown();
    try (TaskStoreBatches batches = new TaskStoreBatches(recording.asStore(), false, 1)) {
      TaskStatus s = pending();

      assertThatThrownBy(() -> batches.writeDurably(s))
          .isInstanceOf(TaskStoreException.class)
          .hasMessageContaining("the store is away");
      assertThat(recording.store.get(s.id())).isEmpty();
    }
  }

  @Test
  void inlineModeWritesInTheCallersThread() {
    InMemoryTaskStore store = new InMemoryTaskStore();
    try (TaskStoreBatches batches = new TaskStoreBatches(store, true)) {
      TaskStatus s = pending();
      CompletableFuture<Void> written = batches.write(s);

      assertThat(written).isDone();
      assertThat(store.get(s.id())).contains(s);
    }
  }
}
