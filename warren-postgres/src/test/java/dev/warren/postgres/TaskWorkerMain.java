package dev.warren.postgres;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for {@link TaskWorkerCrashTest}: registers {@code crash.victim} on a task queue
 * and runs it slowly enough to be killed mid-task, and {@code crash.stream}, a 3 ms task.
 */
public final class TaskWorkerMain {
  private TaskWorkerMain() {}

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
            .instanceId("doomed-worker")
            .storeUrl(args[3])
            .build();
    Warren warren = Warren.create(options);
    warren
        .tasks()
        .register(
            "crash.victim",
            args[2],
            ctx -> {
              ctx.progress(0.1, null);
              Thread.sleep(120_000);
              return "finished by the doomed worker";
            });
    // why: short tasks for the kill under load, many held (prefetched) at the moment of the kill
    warren
        .tasks()
        .register(
            "crash.stream",
            args[2],
            ctx -> {
              Thread.sleep(3);
              return ctx.args(Integer.class);
            });
    System.out.println("ready");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
