package dev.warren.tasks.spi;

import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where task state, results and revokes live. The task queue writes a task's whole {@link
 * TaskStatus} on its changes (one writer at a time per task: the submitter, then the worker holding
 * its message; an intermediate state may be skipped when a later one of the same task is written
 * with it); revokes are kept apart, so no status write can undo one.
 *
 * <p>The batch operations {@link #putAll} and {@link #lookupAll} have defaults that loop over the
 * single ones; stores that can do a batch in one round trip (a Redis pipeline, a multi-row upsert)
 * override them, and the task queue group-commits through them under load.
 *
 * <p>Implementations are thread-safe, shared by all Warren instances that point at the same URL,
 * and translate their I/O errors into {@link dev.warren.tasks.TaskStoreException}. Every
 * implementation passes {@code dev.warren.testkit.TaskStoreContractTest}.
 */
public interface TaskStore extends AutoCloseable {

  /**
   * @return a short description for logs, for example {@code redis 127.0.0.1:6379}
   */
  String describe();

  /**
   * Inserts or replaces a task's status. A status with {@link TaskStatus#expiresAt()} is forgotten
   * after that instant.
   *
   * @param status the status
   */
  void put(TaskStatus status);

  /**
   * @param id a task id
   * @return its status, or empty when unknown or expired
   */
  Optional<TaskStatus> get(String id);

  /**
   * Inserts or replaces several statuses at once, as one durable write where the store can (one
   * transaction, one pipeline): when it returns, all of them are stored. At most one status per
   * task id; the caller coalesces several changes of one task into its latest.
   *
   * @param statuses the statuses, each of another task
   * @throws dev.warren.tasks.TaskStoreException when they could not all be stored; some may have
   *     been
   */
  default void putAll(Collection<TaskStatus> statuses) {
    for (TaskStatus s : statuses) {
      put(s);
    }
  }

  /**
   * Reads the status and the revoke of several tasks at once, in one round trip where the store
   * can: what a worker needs to know before it runs a task.
   *
   * @param ids task ids
   * @return for each id the store knows (a status that has not expired, or a revoke), what it
   *     knows; ids it knows nothing of are left out
   */
  default Map<String, TaskLookup> lookupAll(Collection<String> ids) {
    Map<String, TaskLookup> found = new HashMap<>();
    for (String id : new LinkedHashSet<>(ids)) {
      TaskStatus status = get(id).orElse(null);
      Instant revoked = revokedAt(id).orElse(null);
      if (status != null || revoked != null) {
        found.put(id, new TaskLookup(status, revoked));
      }
    }
    return found;
  }

  /**
   * Lists tasks, most recently changed first, for dashboards and {@code GET /tasks}. Optional: a
   * store that cannot list cheaply keeps this default, and callers report listing as not supported.
   *
   * @param states the states to include; empty for all
   * @param name only tasks of this name, or {@code null} for every name
   * @param limit the most to return, 1 or more
   * @return the matching tasks that have not expired
   * @throws UnsupportedOperationException when this store cannot list tasks
   */
  default List<TaskStatus> list(Set<TaskState> states, String name, int limit) {
    throw new UnsupportedOperationException("the task store " + describe() + " cannot list tasks");
  }

  /**
   * Lists tasks as {@link #list(Set, String, int)} does, within a range of last changes ({@link
   * TaskStatus#updatedAt()}). Optional: the default handles listings without a range only.
   *
   * @param states the states to include; empty for all
   * @param name only tasks of this name, or {@code null} for every name
   * @param since only tasks changed at or after this instant, or {@code null}
   * @param until only tasks changed before this instant, or {@code null}
   * @param limit the most to return, 1 or more
   * @return the matching tasks that have not expired, most recently changed first
   * @throws UnsupportedOperationException when this store cannot list tasks, or not by time
   */
  default List<TaskStatus> list(
      Set<TaskState> states, String name, Instant since, Instant until, int limit) {
    if (since != null || until != null) {
      throw new UnsupportedOperationException(
          "the task store " + describe() + " cannot list tasks by time");
    }
    return list(states, name, limit);
  }

  /**
   * Records a revoke, durably and idempotently. It survives status writes and restarts, until
   * {@code keepUntil}.
   *
   * @param id the task id
   * @param at when it was revoked
   * @param keepUntil when the store may forget the revoke
   * @return {@code true} when it was not revoked before
   */
  boolean revoke(String id, Instant at, Instant keepUntil);

  /**
   * @param id a task id
   * @return when it was revoked, or empty
   */
  Optional<Instant> revokedAt(String id);

  /**
   * The revokes recorded after a position of this store's revoke log, for workers that keep the
   * revokes in memory instead of reading each task's before they run it (one small read every
   * fraction of a second per instance instead of one per task). Optional: the default says the
   * store keeps no such log, and workers read each task's revoke with its status.
   *
   * @param after a position from an earlier page, or 0 for every revoke still kept
   * @param limit most revokes in one page
   * @return the page, or empty when this store keeps no revoke log
   */
  default Optional<TaskRevokes> revokesAfter(long after, int limit) {
    return Optional.empty();
  }

  /**
   * Forgets expired statuses and revokes now (stores that expire entries by themselves may do
   * nothing).
   *
   * @param now the current time
   * @return how many entries were removed, when known
   */
  int purgeExpired(Instant now);

  /**
   * @return where task limits are kept for every worker sharing this store, or empty when this
   *     store cannot keep them (then {@link dev.warren.tasks.Tasks#limit} is refused)
   */
  default Optional<TaskLimitStore> limitStore() {
    return Optional.empty();
  }

  /** Releases connections. */
  @Override
  void close();
}
