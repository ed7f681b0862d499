package dev.warren.internal.tasks;

import dev.warren.WarrenException;
import dev.warren.tasks.TaskFailedException;
import dev.warren.tasks.TaskHandle;
import dev.warren.tasks.TaskState;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.TaskStoreException;
import dev.warren.tasks.TaskTimeoutException;
import java.time.Duration;
import java.util.Optional;

/** A handle that reads the task store; waiting polls it with a growing interval up to 100 ms. */
final class TaskHandleImpl<R> implements TaskHandle<R> {
  private final TaskQueue queue;
  private final String id;
  private final Class<R> resultType;

  TaskHandleImpl(TaskQueue queue, String id, Class<R> resultType) {
    this.queue = queue;
    this.id = id;
    this.resultType = resultType;
  }

  @Override
  public java.util.concurrent.CompletableFuture<R> future() {
    throw new UnsupportedOperationException("being implemented for " + resultType);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public TaskStatus status() {
    return queue
        .store()
        .get(id)
        .orElseThrow(
            () -> new TaskStoreException("task " + id + " is unknown, or its result expired"));
  }

  @Override
  public TaskStatus await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 2;
    TaskStatus last = null;
    while (true) {
      Optional<TaskStatus> s = queue.store().get(id);
      if (s.isPresent()) {
        last = s.get();
        if (last.isFinal()) {
          return last;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TaskTimeoutException(
            "task "
                + id
                + " is not finished after "
                + timeout.toMillis()
                + " ms (state "
                + (last == null ? "unknown" : last.state())
                + ")");
      }
      try {
        Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WarrenException("interrupted while waiting for task " + id, e);
      }
      pause = Math.min(100, pause * 2);
    }
  }

  @Override
  public <T> T result(Class<T> type, Duration timeout) {
    TaskStatus s = await(timeout);
    if (s.state() == TaskState.SUCCESS) {
      return TaskQueue.decode(s.result(), type, "the result of task " + id);
    }
    String why = s.error() == null ? "" : ": " + s.error().type() + ": " + s.error().message();
    throw new TaskFailedException("task " + s.name() + " " + id + " ended " + s.state() + why);
  }

  @Override
  public boolean revoke() {
    return queue.revoke(id);
  }

  @Override
  public String toString() {
    return "TaskHandle[" + id + "]";
  }
}
