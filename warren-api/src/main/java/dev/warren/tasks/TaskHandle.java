package dev.warren.tasks;

import java.time.Duration;

/**
 * A submitted task, to follow, wait for or revoke. Thread-safe; cheap to create from an id.
 *
 * <pre>{@code
 * TaskHandle<Rendered> h = tasks.submit("image.render", new Render("cat.jpg"), Rendered.class);
 * h.future().thenAccept(r -> log.info("rendered {}", r.path()));
 * }</pre>
 *
 * @param <R> the type of the task's result
 */
public interface TaskHandle<R> {
  /**
   * @return the task id
   */
  String id();

  /**
   * @return its current state, from the task store
   * @throws TaskStoreException when the store cannot be reached, or it forgot the task (its result
   *     TTL ran out)
   */
  TaskStatus status();

  /**
   * Waits until the task is final ({@link TaskState#isFinal()}).
   *
   * @param timeout the longest to wait
   * @return its final status: {@link TaskState#SUCCESS}, {@link TaskState#FAILURE} or {@link
   *     TaskState#REVOKED}
   * @throws TaskTimeoutException when it is not final in time
   */
  TaskStatus await(Duration timeout);

  /**
   * Waits for the task and decodes its result.
   *
   * @param type the result type (a record, {@code String}, {@code Map}…)
   * @param timeout the longest to wait
   * @param <T> the type
   * @return the result, or {@code null} when the handler returned {@code null}
   * @throws TaskFailedException when it failed or was revoked
   * @throws TaskTimeoutException when it is not final in time
   */
  <T> T result(Class<T> type, Duration timeout);

  /**
   * Completes when the task reaches a final state, from the task's terminal event on the bus (no
   * polling of the store): with its result, decoded as {@code R}, on {@link TaskState#SUCCESS};
   * exceptionally with {@link TaskFailedException} on {@link TaskState#FAILURE} or {@link
   * TaskState#REVOKED}. The same future on every call; it never times out by itself, so bound the
   * wait ({@code future().orTimeout(..)} or {@code get(timeout, unit)}). A task that was already
   * final when the handle was made completes at once from the store.
   *
   * @return the task's result
   */
  java.util.concurrent.CompletableFuture<R> future();

  /**
   * Revokes the task, durably: a worker that receives it later (even one started after this call)
   * skips it; a worker running it sees its cancellation signal and, past the grace period, marks it
   * {@link TaskState#REVOKED} and moves on. Revoking a final task does nothing.
   *
   * @return whether the task was not final yet
   */
  boolean revoke();
}
