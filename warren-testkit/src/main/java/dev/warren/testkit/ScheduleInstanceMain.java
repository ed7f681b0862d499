package dev.warren.testkit;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.schedules.Schedule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One instance for {@link ScheduleExactlyOnceContractTest}: defines the every-second schedule (as
 * each instance of an application would at start-up) and fires slots until killed. It runs no
 * worker.
 */
public final class ScheduleInstanceMain {
  private ScheduleInstanceMain() {}

  /**
   * Starts an instance in a JVM of its own, on the calling test's class path, with its log to
   * standard error discarded. It is not ready yet: see {@link #awaitReady(Process)}.
   *
   * @param args AMQP URI, exchange, task queue, store URL, schedule name, task name
   * @return the process
   * @throws IOException when it cannot be started
   */
  public static Process launch(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add(ScheduleInstanceMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /**
   * Waits until a launched instance has defined its schedule.
   *
   * @param p an instance from {@link #launch(String...)}
   * @throws IOException when its output cannot be read
   * @throws AssertionError when it ended or said something else first
   */
  public static void awaitReady(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"ready".equals(line)) {
      throw new AssertionError("schedule instance " + p.pid() + " said " + line + ", not ready");
    }
  }

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
