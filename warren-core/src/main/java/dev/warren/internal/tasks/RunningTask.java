package dev.warren.internal.tasks;

import dev.warren.InvalidInputException;
import dev.warren.tasks.TaskCancelledException;
import dev.warren.tasks.TaskContext;
import dev.warren.tasks.TaskHandler;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt of a task: the {@link TaskContext} its handler sees, and the status it updates. Once
 * the supervisor has settled the outcome (or abandoned the attempt), late progress reports from the
 * handler are ignored, so an abandoned thread cannot overwrite a final state.
 *
 * <p>It remembers the error of arguments that could not be decoded: when that error ends the
 * attempt (typed tasks let it through by design), the task fails at once, as arguments never change
 * between attempts.
 */
final class RunningTask implements TaskContext {
  private final TaskQueue tasks;
  private final TaskMessage message;
  private final CompletableFuture<Object> outcome = new CompletableFuture<>();
  private TaskStatus status;
  private boolean settled;
  private volatile String cancelled;
  private volatile InvalidInputException unreadableArgs;

  RunningTask(TaskQueue tasks, TaskMessage message, TaskStatus started) {
    this.tasks = tasks;
    this.message = message;
    this.status = started;
  }

  void run(TaskHandler handler) {
    try {
      outcome.complete(handler.handle(this));
    } catch (Throwable t) {
      outcome.completeExceptionally(t);
    }
  }

  CompletableFuture<Object> outcome() {
    return outcome;
  }

  void cancel(String reason) {
    cancelled = reason;
  }

  /**
   * @return the latest status; from now on the handler can no longer change it
   */
  synchronized TaskStatus finish() {
    settled = true;
    return status;
  }

  synchronized void abandon() {
    settled = true;
  }

  @Override
  public String id() {
    return message.id();
  }

  @Override
  public String name() {
    return message.name();
  }

  @Override
  public synchronized int attempt() {
    return status.attempt();
  }

  @Override
  public String argsJson() {
    return message.args();
  }

  @Override
  public <T> T args(Class<T> type) {
    try {
      return tasks.decode(message.args(), type, "the arguments of task " + message.id());
    } catch (InvalidInputException e) {
      unreadableArgs = e;
      throw e;
    }
  }

  /**
   * @param failure what ended the attempt
   * @return whether it is (or was caused by) this attempt's failure to decode its arguments, which
   *     no retry can mend
   */
  boolean failedOnArguments(Throwable failure) {
    InvalidInputException e = unreadableArgs;
    // why: bounded, as a cause chain can loop (an exception set as its own cause's cause)
    int depth = 0;
    for (Throwable t = failure; e != null && t != null && depth < 32; t = t.getCause(), depth++) {
      if (t == e) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void progress(double fraction, Object meta) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new dev.warren.InvalidInputException("progress must be within [0, 1], not " + fraction);
    }
    String json = tasks.encode(meta, "the progress of task " + message.id());
    TaskStatus next;
    synchronized (this) {
      if (settled) {
        return;
      }
      next =
          status
              .withProgress(fraction, json)
              .to(TaskState.PROGRESS, tasks.now(), tasks.worker(), null);
      status = next;
      // why: queued under the lock, so a progress write cannot land after the final state; not
      // waited for, and coalesced with later changes of this task
      tasks.batches().writeLater(next);
    }
    tasks.event("progress", next);
  }

  @Override
  public boolean isCancelled() {
    return cancelled != null;
  }

  @Override
  public void checkCancelled() {
    String reason = cancelled;
    if (reason != null) {
      throw new TaskCancelledException(
          "task " + message.name() + " " + message.id() + ": " + reason);
    }
  }
}
