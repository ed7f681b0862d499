package dev.warren.internal.lineage;

import dev.warren.Event;
import dev.warren.WarrenException;
import dev.warren.internal.engine.EngineListener;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Lineage;
import dev.warren.lineage.LineageTree;
import dev.warren.lineage.Outcome;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records lineage off the hot path and answers lineage queries. Engine callbacks only offer a small
 * record to a bounded queue (dropped and counted when full, never blocking); one background thread
 * writes batches to the store, opening it lazily and dropping batches while it is unreachable, so
 * losing the store never blocks or fails publishing.
 */
public final class LineageRecorder implements EngineListener, Lineage {
  private static final Logger log = LoggerFactory.getLogger(LineageRecorder.class);
  private static final int BATCH = 500;
  private static final long PAUSE_MILLIS = 20;
  private static final long REOPEN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long FLUSH_ON_CLOSE_MILLIS = 5_000;

  private final Supplier<LineageStore> opener;
  private final String where;
  // why: a lock-free queue with a counted bound: publishing and handling threads offer records
  // without contending on one lock with each other and with the writer
  private final ConcurrentLinkedQueue<LineageWrite> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final int capacity;
  private final AtomicLong dropped = new AtomicLong();
  private final Object storeLock = new Object();
  private final Thread writer;
  private final LineageQueries queries = new LineageQueries(this::store, this::dropped);
  private volatile boolean closing;
  private LineageStore store;
  private long lastOpenFailure;
  private long lastWarning;

  /**
   * @param opener connects to the store; called lazily, again after a failure
   * @param where the store, for messages
   * @param capacity how many records may wait for the writer before new ones are dropped
   */
  public LineageRecorder(Supplier<LineageStore> opener, String where, int capacity) {
    this.opener = opener;
    this.where = where;
    this.capacity = capacity;
    this.writer = new Thread(this::writeLoop, "warren-lineage-writer");
    writer.setDaemon(true);
    writer.start();
  }

  // ---- recording (engine threads) ----

  private void offer(LineageWrite w) {
    if (closing || queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.offer(w);
  }

  private void seen(Event event) {
    offer(new LineageWrite.EventSeen(summary(event)));
  }

  private void step(
      String subscription,
      String eventId,
      Outcome outcome,
      long attempts,
      long nanos,
      Throwable error) {
    offer(
        new LineageWrite.StepTaken(
            eventId,
            subscription,
            new DeliveryStep(
                outcome, Instant.now(), attempts, Duration.ofNanos(nanos), describe(error))));
  }

  static EventRecord summary(Event event) {
    return new EventRecord(
        event.id(),
        event.type(),
        event.source(),
        event.time(),
        event.correlationId().orElse(event.id()),
        event.causationIds(),
        event.data().length,
        List.of());
  }

  private static String describe(Throwable error) {
    if (error == null) {
      return null;
    }
    String message = error.getMessage();
    String s = error.getClass().getName() + (message == null ? "" : ": " + message);
    return s.length() <= 1000 ? s : s.substring(0, 1000) + "…";
  }

  @Override
  public void published(Event event, int bytes, long nanos) {
    seen(event);
  }

  @Override
  public void handled(String subscription, Event event, long attempts, long nanos) {
    // why: the consumer records the event too, for events whose publisher records nowhere
    seen(event);
    step(subscription, event.id(), Outcome.HANDLED, attempts, nanos, null);
  }

  @Override
  public void retried(
      String subscription, Event event, long attempts, Throwable error, long delayMillis) {
    seen(event);
    step(subscription, event.id(), Outcome.RETRIED, attempts, 0, error);
  }

  @Override
  public void deadLettered(
      String subscription, Event event, String eventId, long attempts, Throwable error) {
    if (event != null) {
      seen(event);
    }
    if (eventId != null) {
      step(subscription, eventId, Outcome.DEAD_LETTERED, attempts, 0, error);
    }
  }

  @Override
  public void replayed(String subscription, String eventId) {
    if (eventId != null) {
      step(subscription, eventId, Outcome.REPLAYED, 0, 0, null);
    }
  }

  // ---- writing (the writer thread) ----

  private void writeLoop() {
    List<LineageWrite> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        LineageWrite w;
        while (batch.size() < BATCH && (w = queue.poll()) != null) {
          batch.add(w);
        }
        queued.addAndGet(-batch.size());
        if (batch.isEmpty() && closing) {
          return;
        }
        boolean full = batch.size() == BATCH;
        if (!batch.isEmpty()) {
          writeBatch(dedupe(batch));
        }
        if (!full) {
          // why: waking this thread for every record cost the recording threads a context
          // switch each (10 % of the in-memory path); a short pause lets records gather instead
          Thread.sleep(PAUSE_MILLIS);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        dropped.addAndGet(batch.size());
        warn("lineage store {} failed, dropped {} record(s): {}", batch.size(), e);
      } finally {
        batch.clear();
      }
    }
  }

  /** Drops repeated {@code EventSeen}s of one batch: handling records the event again. */
  private static List<LineageWrite> dedupe(List<LineageWrite> batch) {
    Set<String> seen = new HashSet<>();
    List<LineageWrite> out = new ArrayList<>(batch.size());
    for (LineageWrite w : batch) {
      if (!(w instanceof LineageWrite.EventSeen) || seen.add(w.eventId())) {
        out.add(w);
      }
    }
    return out;
  }

  private void writeBatch(List<LineageWrite> batch) {
    LineageStore s = storeOrNull();
    if (s == null) {
      dropped.addAndGet(batch.size());
      return;
    }
    s.write(batch);
  }

  private void warn(String format, long count, Throwable e) {
    long now = System.nanoTime();
    // why: a store that is down fails every batch; one warning a minute is enough to notice
    if (lastWarning == 0 || now - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
      lastWarning = now;
      log.warn(format, where, count, e.toString());
    }
  }

  private LineageStore storeOrNull() {
    synchronized (storeLock) {
      if (store != null) {
        return store;
      }
      long now = System.nanoTime();
      if (lastOpenFailure != 0 && now - lastOpenFailure < REOPEN_AFTER_NANOS) {
        return null;
      }
      try {
        store = opener.get();
        lastOpenFailure = 0;
        return store;
      } catch (RuntimeException e) {
        lastOpenFailure = now == 0 ? 1 : now;
        warn(
            "cannot open lineage store {}; retrying in {} s, dropping records meanwhile: {}", 5, e);
        return null;
      }
    }
  }

  private LineageStore store() {
    LineageStore s = storeOrNull();
    if (s == null) {
      throw new WarrenException("the lineage store " + where + " cannot be reached");
    }
    return s;
  }

  @Override
  public void close() {
    closing = true;
    try {
      writer.join(FLUSH_ON_CLOSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      writer.interrupt();
    }
    synchronized (storeLock) {
      if (store != null) {
        try {
          store.close();
        } catch (RuntimeException e) {
          log.debug("closing the lineage store: {}", e.toString());
        }
        store = null;
      }
    }
  }

  /**
   * Waits until every record offered so far was written (or dropped), for tests and tools.
   *
   * @param timeout how long to wait at most
   * @return whether the queue drained in time
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queue.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return queue.isEmpty();
  }

  // ---- queries ----

  @Override
  public long dropped() {
    return dropped.get();
  }

  @Override
  public Optional<EventRecord> event(String eventId) {
    return queries.event(eventId);
  }

  @Override
  public List<EventRecord> correlation(String correlationId) {
    return queries.correlation(correlationId);
  }

  @Override
  public Optional<LineageTree> tree(String eventId) {
    return queries.tree(eventId);
  }
}
