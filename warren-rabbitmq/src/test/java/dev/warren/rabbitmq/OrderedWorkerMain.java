package dev.warren.rabbitmq;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for {@link OrderedAcrossProcessesTest}: consumes an ordered subscription and
 * appends {@code key seq} to its own file for every event it handles, before the ack.
 */
public final class OrderedWorkerMain {
  private OrderedWorkerMain() {}

  /**
   * @param args URI, exchange, subscription, partitions, output file
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    WarrenOptions options =
        WarrenOptions.builder()
            .rabbitmqUri(args[0])
            .exchange(args[1])
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .build();
    OutputStream out = new FileOutputStream(args[4], true);
    Warren warren = Warren.create(options);
    warren.subscribe(
        Subscription.named(args[2]).pattern("ledger.#").partitions(Integer.parseInt(args[3])),
        e -> {
          // why: slow enough that the test can kill a worker while its partitions are busy
          Thread.sleep(3);
          String line = e.partitionKey().orElseThrow() + " " + e.subject().orElseThrow() + "\n";
          synchronized (out) {
            try {
              out.write(line.getBytes(StandardCharsets.UTF_8));
              out.flush();
            } catch (IOException io) {
              throw new IllegalStateException(io);
            }
          }
        });
    System.out.println("ready");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
