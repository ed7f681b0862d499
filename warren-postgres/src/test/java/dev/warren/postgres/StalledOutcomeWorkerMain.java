package dev.warren.postgres;

import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.tasks.TaskQueue;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.tasks.TaskStatus;
import dev.warren.tasks.spi.TaskLookup;
import dev.warren.tasks.spi.TaskStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for {@link TaskOutcomeDurableBeforeAckTest}: its task store writes everything
 * except a final state, which it holds forever after printing {@code terminal <id> <state>} (the
 * store stalls mid-commit), so the test can kill the worker between "the handler finished" and "the
 * outcome is durable".
 */
public final class StalledOutcomeWorkerMain {
  private StalledOutcomeWorkerMain() {}

  /** Delegates to PostgreSQL, except that a batch holding a final state never returns. */
  private record StallingStore(TaskStore store) implements TaskStore {
    @Override
    public String describe() {
      return "stalling " + store.describe();
    }

    @Override
    public void put(TaskStatus status) {
      putAll(List.of(status));
    }

    @Override
    public void putAll(Collection<TaskStatus> statuses) {
      for (TaskStatus s : statuses) {
        if (s.isFinal()) {
          System.out.println("terminal " + s.id() + " " + s.state());
          System.out.flush();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new IllegalStateException("stalled write interrupted");
        }
      }
      store.putAll(statuses);
    }

    @Override
    public Optional<TaskStatus> get(String id) {
      return store.get(id);
    }

    @Override
    public Map<String, TaskLookup> lookupAll(Collection<String> ids) {
      return store.lookupAll(ids);
    }

    @Override
    public boolean revoke(String id, Instant at, Instant keepUntil) {
      return store.revoke(id, at, keepUntil);
    }

    @Override
    public Optional<Instant> revokedAt(String id) {
      return store.revokedAt(id);
    }

    @Override
    public int purgeExpired(Instant now) {
      return store.purgeExpired(now);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  /**
   * @param args AMQP URI, exchange, task queue, store URL
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .rabbitmqUri(args[0])
            .exchange(args[1])
            .instanceId("stalled-worker")
            .build();
    WarrenEngine engine = WarrenEngine.start(options, RabbitMqTransport.connect(options));
    TaskQueue tasks =
        new TaskQueue(
            engine,
            engine.transport(),
            options,
            new StallingStore(PostgresTaskStore.connect(args[3])),
            true);
    tasks.register("stall.victim", args[2], ctx -> "finished by the stalled worker");
    System.out.println("ready");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
