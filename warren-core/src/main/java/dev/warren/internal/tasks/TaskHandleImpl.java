package dev.warren.internal.tasks;

import dev.warren.WarrenException;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.TaskTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A handle on a task. Waiting follows the task's terminal event ({@link TaskQueue#outcome}), never
 * a polling loop: {@link #future()} completes from it, and {@link #await} waits for it with a
 * timeout, then reads the store once for the full status.
 */
final class TaskHandleImpl<R> implements TaskHandle<R> {
  private final TaskQueue queue;
  private final String id;
  private final Class<R> resultType;
  private volatile CompletableFuture<R> future;

  TaskHandleImpl(TaskQueue queue, String id, Class<R> resultType) {
    this.queue = queue;
    this.id = id;
    this.resultType = resultType;
  }

  @Override
  public CompletableFuture<R> future() {
    CompletableFuture<R> f = future;
    if (f == null) {
      synchronized (this) {
        f = future;
        if (f == null) {
          f = typed(queue.outcome(id));
          future = f;
        }
      }
    }
    return f;
  }

  /**
   * A future of its own per handle, completed explicitly (not {@code thenApply}), so callers see
   * {@link dev.warren.tasks.TaskFailedException} itself rather than wrapped in a {@link
   * CompletionException}, and completing it by hand cannot disturb other handles.
   */
  private CompletableFuture<R> typed(CompletableFuture<TaskOutcome> outcome) {
    CompletableFuture<R> f = new CompletableFuture<>();
    outcome.whenComplete(
        (o, error) -> {
          if (error != null) {
            f.completeExceptionally(unwrap(error));
          } else if (o.state() == TaskState.SUCCESS) {
            try {
              f.complete(queue.decode(o.result(), resultType, "the result of task " + id));
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          } else {
            f.completeExceptionally(o.failure());
          }
        });
    return f;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public TaskStatus status() {
    queue.checkOpen();
    return queue
        .store()
        .get(id)
        .orElseThrow(
            () -> new TaskStoreException("task " + id + " is unknown, or its result expired"));
  }

  /**
   * Waits for the outcome with a timeout, then reads the status once. On timeout the store is read
   * once more, so a task whose event was lost (its publish failed) is still seen final.
   */
  @Override
  public TaskStatus await(Duration timeout) {
    queue.checkOpen();
    CompletableFuture<TaskOutcome> outcome = queue.outcome(id);
    try {
      outcome.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return status();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (TimeoutException e) {
      Optional<TaskStatus> last = queue.store().get(id);
      if (last.isPresent() && last.get().isFinal()) {
        return last.get();
      }
      throw new TaskTimeoutException(
          "task "
              + id
              + " is not finished after "
              + timeout.toMillis()
              + " ms (state "
              + last.map(s -> s.state().name()).orElse("unknown")
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WarrenException("interrupted while waiting for task " + id, e);
    }
  }

  @Override
  public <T> T result(Class<T> type, Duration timeout) {
    TaskStatus s = await(timeout);
    if (s.state() == TaskState.SUCCESS) {
      return queue.decode(s.result(), type, "the result of task " + id);
    }
    throw TaskOutcome.of(s).failure();
  }

  @Override
  public boolean revoke() {
    return queue.revoke(id);
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private RuntimeException rethrow(Throwable cause) {
    Throwable t = unwrap(cause);
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new WarrenException("waiting for task " + id + " failed: " + t, t);
  }

  @Override
  public String toString() {
    return "TaskHandle[" + id + "]";
  }
}
