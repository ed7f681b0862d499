package dev.warren.internal.tasks;

import dev.warren.WarrenClosedException;
import dev.warren.WarrenException;
import dev.warren.tasks.TaskStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for task store calls: callers hand in one item each and get a future; one thread
 * takes whatever has queued up meanwhile (up to {@link #MAX_BATCH}) and runs it as one store call
 * ({@code putAll}, {@code lookupAll}). Under load a batch fills while the previous one is in
 * flight, so the store sees one round trip (and, for PostgreSQL, one commit) for many tasks; an
 * idle store sees each item alone, without waiting for company.
 *
 * <p>In inline mode (a store in this process's memory, where a batch saves nothing) the caller runs
 * its own item at once.
 *
 * <p>why one thread: items of one task stay in order (a STARTED write never lands after the SUCCESS
 * that followed it), and a batch is never split across two transactions racing each other.
 *
 * @param <T> what a caller hands in
 * @param <R> what it gets back
 */
final class StoreBatcher<T, R> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreBatcher.class);

  /** Most items in one store call: bounds a statement's size and a batch's latency. */
  static final int MAX_BATCH = 256;

  private record Item<T, R>(T value, CompletableFuture<R> done) {}

  private final String name;
  private final Function<List<T>, List<R>> step;
  private final boolean inline;
  private final LinkedBlockingQueue<Item<T, R>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param name the thread's name, for logs
   * @param step runs a batch; returns one result per item, in order; throws to fail them all
   * @param inline whether callers run their item themselves
   */
  StoreBatcher(String name, Function<List<T>, List<R>> step, boolean inline) {
    this.name = name;
    this.step = step;
    this.inline = inline;
    if (inline) {
      this.thread = null;
    } else {
      this.thread = new Thread(this::loop, name);
      this.thread.setDaemon(true);
      this.thread.start();
    }
  }

  /**
   * @param value the item
   * @return completes with its result once its batch ran (on the batcher's thread), or fails with
   *     the batch's error
   */
  CompletableFuture<R> submit(T value) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new WarrenClosedException("the task store's " + name + " is closed"));
    }
    if (inline) {
      try {
        return CompletableFuture.completedFuture(step.apply(List.of(value)).get(0));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<R> done = new CompletableFuture<>();
    queue.add(new Item<>(value, done));
    return done;
  }

  /**
   * Submits an item and waits for its batch.
   *
   * @param value the item
   * @param timeout how long to wait at most
   * @return its result
   * @throws TaskStoreException when the batch failed or did not finish in time
   */
  R call(T value, Duration timeout) {
    return join(submit(value), timeout);
  }

  /** Waits for a future of this batcher, translating its failure. */
  R join(CompletableFuture<R> future, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new TaskStoreException("task store " + name + " failed: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new TaskStoreException(
          "the task store did not answer within " + timeout.toMillis() + " ms (" + name + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WarrenException("interrupted while waiting for the task store", e);
    }
  }

  private void loop() {
    List<Item<T, R>> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      try {
        Item<T, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        run(batch);
      } catch (InterruptedException e) {
        // why: close() interrupts only after the queue was drained; anything left fails below
        for (Item<T, R> item : queue) {
          item.done().completeExceptionally(new WarrenClosedException(name + " was stopped"));
        }
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void run(List<Item<T, R>> batch) {
    List<T> values = new ArrayList<>(batch.size());
    for (Item<T, R> item : batch) {
      values.add(item.value());
    }
    List<R> results;
    try {
      results = step.apply(values);
    } catch (RuntimeException e) {
      log.debug("{}: a batch of {} failed: {}", name, batch.size(), e.toString());
      for (Item<T, R> item : batch) {
        item.done().completeExceptionally(e);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).done().complete(results.get(i));
    }
  }

  /**
   * Stops taking items and waits (up to {@code timeout}) until the queued ones ran, so nothing
   * handed in before is dropped.
   *
   * @param timeout how long to wait for the queue to drain
   */
  void close(Duration timeout) {
    closed = true;
    if (thread == null) {
      return;
    }
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
