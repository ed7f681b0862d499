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
import java.util.function.ToIntFunction;
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
 * <p>Items are spread over lanes by their key (the task id), each with one thread. why: items of
 * one task stay in order on their lane (a STARTED write never lands after the SUCCESS that followed
 * it), while several batches are in flight at once, so a store that commits one batch (PostgreSQL
 * waiting for its log to reach the disk) does not hold up the others.
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
  private final ToIntFunction<T> key;
  private final List<LinkedBlockingQueue<Item<T, R>>> queues = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param name the thread's name, for logs
   * @param step runs a batch; returns one result per item, in order; throws to fail them all
   * @param inline whether callers run their item themselves
   * @param lanes how many batches may be in flight at once, 1 or more
   * @param key what picks an item's lane: items with the same key stay in order
   */
  StoreBatcher(
      String name,
      Function<List<T>, List<R>> step,
      boolean inline,
      int lanes,
      ToIntFunction<T> key) {
    this.name = name;
    this.step = step;
    this.inline = inline;
    this.key = key;
    if (!inline) {
      for (int i = 0; i < lanes; i++) {
        LinkedBlockingQueue<Item<T, R>> queue = new LinkedBlockingQueue<>();
        Thread thread = new Thread(() -> loop(queue), name + "-" + (i + 1));
        thread.setDaemon(true);
        queues.add(queue);
        threads.add(thread);
        thread.start();
      }
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
    queues.get(Math.floorMod(key.applyAsInt(value), queues.size())).add(new Item<>(value, done));
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

  private void loop(LinkedBlockingQueue<Item<T, R>> queue) {
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
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        thread.interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
