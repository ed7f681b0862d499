package dev.warren.testkit;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.schedules.Schedule;
import java.util.concurrent.CountDownLatch;

/**
 * One instance for {@link ScheduleExactlyOnceContractTest}: defines the every-second schedule (as
 * each instance of an application would at start-up) and fires slots until killed. It runs no
 * worker.
 */
public final class ScheduleInstanceMain {
  private ScheduleInstanceMain() {}

  /**
   * @param args AMQP URI, exchange, task queue, store URL, schedule name, task name
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .rabbitmqUri(args[0])
            .exchange(args[1])
            .storeUrl(args[3])
            .build();
    Warren warren = Warren.create(options);
    warren
        .schedules()
        .define(
            Schedule.cron(args[4], "* * * * * *")
                .zone("Europe/Paris")
                .task(args[5])
                .queue(args[2])
                .history(1000)
                .build());
    System.out.println("ready");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
