package dev.warren.internal.tasks;

import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskLookup;
import dev.warren.tasks.spi.TaskStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task queue's way to its store under load: status writes are group-committed ({@link
 * TaskStore#putAll}) and lookups batched ({@link TaskStore#lookupAll}), each by a {@link
 * StoreBatcher}.
 *
 * <p>Writes come in two kinds. A <em>durable</em> write (a submission before it is published, a
 * terminal state or a retry before its message is acknowledged) is waited for. A <em>later</em>
 * write (STARTED, PROGRESS) is not: it joins the next batch, and when a newer status of the same
 * task is in that batch too (the SUCCESS of a short task), only the newer one is written. why:
 * intermediate states are for watchers; the terminal one decides whether the broker may forget the
 * message, so only it must be stored before the ack, and a task that ran in a millisecond costs one
 * write instead of two.
 */
final class TaskStoreBatches implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskStoreBatches.class);

  /** How long a durable write or a lookup waits for the store. */
  static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private static final TaskLookup UNKNOWN = new TaskLookup(null, null);

  /**
   * Batches in flight at once, each way: one. why: one committer makes the largest batches, and
   * what a batch costs the store is mostly per statement and per commit (PostgreSQL: a WAL flush),
   * not per row; measured on PostgreSQL with two instances, one writer lane ran 2,900 tasks/s where
   * three lanes of smaller batches, their commits contending, ran 1,950. A slow commit does not
   * stall the workers more for it: what queues up meanwhile goes out together in the next batch.
   */
  static final int LANES = 1;

  private final StoreBatcher<TaskStatus, Void> writes;
  private final StoreBatcher<String, TaskLookup> lookups;

  /**
   * @param store the store
   * @param inline whether callers write and read themselves, without batches (a store in this
   *     process's memory, where a batch saves nothing)
   */
  TaskStoreBatches(TaskStore store, boolean inline) {
    this(store, inline, LANES);
  }

  /**
   * @param store the store
   * @param inline whether callers write and read themselves
   * @param lanes batches in flight at once, each way
   */
  TaskStoreBatches(TaskStore store, boolean inline, int lanes) {
    this.writes =
        new StoreBatcher<>(
            "warren-task-writes",
            batch -> putAll(store, batch),
            inline,
            lanes,
            s -> s.id().hashCode());
    this.lookups =
        new StoreBatcher<>(
            "warren-task-lookups", ids -> lookupAll(store, ids), inline, lanes, String::hashCode);
  }

  private static List<Void> putAll(TaskStore store, List<TaskStatus> batch) {
    Map<String, TaskStatus> latest = new LinkedHashMap<>();
    for (TaskStatus s : batch) {
      // why: removed first, so the map keeps the order of each task's latest change
      latest.remove(s.id());
      latest.put(s.id(), s);
    }
    store.putAll(new ArrayList<>(latest.values()));
    return Collections.nCopies(batch.size(), null);
  }

  private static List<TaskLookup> lookupAll(TaskStore store, List<String> ids) {
    Map<String, TaskLookup> found = store.lookupAll(ids);
    List<TaskLookup> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(found.getOrDefault(id, UNKNOWN));
    }
    return out;
  }

  /**
   * @param status a status that must be stored before the caller goes on
   * @return completes once it is stored (on the writer's thread)
   */
  CompletableFuture<Void> write(TaskStatus status) {
    return writes.submit(status);
  }

  /**
   * Stores a status and waits until it is.
   *
   * @param status the status
   * @throws dev.warren.tasks.TaskStoreException when it could not be stored in time
   */
  void writeDurably(TaskStatus status) {
    writes.call(status, STORE_TIMEOUT);
  }

  /**
   * Stores an intermediate status with the next batch, without waiting; a failure is logged, as the
   * terminal write that follows will tell the store the outcome anyway.
   *
   * @param status a STARTED or PROGRESS status
   */
  void writeLater(TaskStatus status) {
    writes
        .submit(status)
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                log.warn(
                    "could not store {} of task {}: {}", status.state(), status.id(), e.toString());
              }
            });
  }

  /**
   * @param id a task id
   * @return what the store knows of it (both parts {@code null} when nothing)
   * @throws dev.warren.tasks.TaskStoreException when the store did not answer in time
   */
  TaskLookup lookup(String id) {
    return lookups.call(id, STORE_TIMEOUT);
  }

  /**
   * @param id a task id
   * @return completes (on the reader's thread) with what the store knows of it
   */
  CompletableFuture<TaskLookup> lookupAsync(String id) {
    return lookups.submit(id);
  }

  /** Stores what was handed in before, then stops. */
  @Override
  public void close() {
    lookups.close();
    writes.close();
  }
}
