package dev.warren.tasks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of a task, as kept by the task store.
 *
 * @param id the task id
 * @param name the registered task name
 * @param queue the task queue it travels on
 * @param state its current state
 * @param attempt how many times a worker started it (0 before the first run; more than 1 after a
 *     retry or a lost worker)
 * @param progress the last reported fraction in [0, 1], or {@code null}
 * @param progressMeta the last reported progress metadata as JSON, or {@code null}
 * @param result the result as JSON when {@link TaskState#SUCCESS}, else {@code null}
 * @param error the last error (set with {@link TaskState#FAILURE}, also kept through a {@link
 *     TaskState#RETRY}), or {@code null}
 * @param eta when it is due to run (the submission time without countdown or ETA)
 * @param submittedAt when it was submitted
 * @param updatedAt when it last changed
 * @param expiresAt when the store forgets it, or {@code null} while it is not final
 * @param worker the instance id of the worker that last changed it
 * @param history every state change, oldest first (progress updates within {@link
 *     TaskState#PROGRESS} are not repeated)
 */
public record TaskStatus(
    String id,
    String name,
    String queue,
    TaskState state,
    int attempt,
    Double progress,
    String progressMeta,
    String result,
    TaskError error,
    Instant eta,
    Instant submittedAt,
    Instant updatedAt,
    Instant expiresAt,
    String worker,
    List<TaskTransition> history) {

  /** Most transitions kept, so a task retried forever cannot grow without bound. */
  public static final int MAX_HISTORY = 100;

  /** Canonical constructor: the history becomes an unmodifiable copy, never null. */
  public TaskStatus {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /**
   * @return whether the task will not change state again
   */
  public boolean isFinal() {
    return state.isFinal();
  }

  /**
   * A copy in another state, with the change recorded in the history (unless it only updates
   * progress).
   *
   * @param next the new state
   * @param at when
   * @param by the worker making the change
   * @param detail a short reason, or {@code null}
   * @return the new snapshot
   */
  public TaskStatus to(TaskState next, Instant at, String by, String detail) {
    List<TaskTransition> h = history;
    if (next != state || next != TaskState.PROGRESS) {
      h = new ArrayList<>(history);
      h.add(new TaskTransition(next, at, by, attempt, detail));
      if (h.size() > MAX_HISTORY) {
        h = h.subList(h.size() - MAX_HISTORY, h.size());
      }
    }
    return new TaskStatus(
        id,
        name,
        queue,
        next,
        attempt,
        progress,
        progressMeta,
        result,
        error,
        eta,
        submittedAt,
        at,
        expiresAt,
        by,
        h);
  }

  /**
   * @param attempt the attempt number
   * @return a copy with it
   */
  public TaskStatus withAttempt(int attempt) {
    return new TaskStatus(
        id,
        name,
        queue,
        state,
        attempt,
        progress,
        progressMeta,
        result,
        error,
        eta,
        submittedAt,
        updatedAt,
        expiresAt,
        worker,
        history);
  }

  /**
   * @param progress the fraction, or {@code null}
   * @param progressMeta metadata as JSON, or {@code null}
   * @return a copy with them
   */
  public TaskStatus withProgress(Double progress, String progressMeta) {
    return new TaskStatus(
        id,
        name,
        queue,
        state,
        attempt,
        progress,
        progressMeta,
        result,
        error,
        eta,
        submittedAt,
        updatedAt,
        expiresAt,
        worker,
        history);
  }

  /**
   * @param result the result as JSON, or {@code null}
   * @param error the error, or {@code null}
   * @return a copy with them
   */
  public TaskStatus withOutcome(String result, TaskError error) {
    return new TaskStatus(
        id,
        name,
        queue,
        state,
        attempt,
        progress,
        progressMeta,
        result,
        error,
        eta,
        submittedAt,
        updatedAt,
        expiresAt,
        worker,
        history);
  }

  /**
   * @param eta when it is due
   * @return a copy with it
   */
  public TaskStatus withEta(Instant eta) {
    return new TaskStatus(
        id,
        name,
        queue,
        state,
        attempt,
        progress,
        progressMeta,
        result,
        error,
        eta,
        submittedAt,
        updatedAt,
        expiresAt,
        worker,
        history);
  }

  /**
   * @param expiresAt when the store may forget it, or {@code null}
   * @return a copy with it
   */
  public TaskStatus withExpiresAt(Instant expiresAt) {
    return new TaskStatus(
        id,
        name,
        queue,
        state,
        attempt,
        progress,
        progressMeta,
        result,
        error,
        eta,
        submittedAt,
        updatedAt,
        expiresAt,
        worker,
        history);
  }
}
