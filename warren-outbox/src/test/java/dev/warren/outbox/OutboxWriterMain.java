package dev.warren.outbox;

import java.util.concurrent.CountDownLatch;

/**
 * An application process for {@link OutboxFaultTest}: commits its writes and their events through
 * the outbox, says so, and waits to be killed, its relay never having run.
 */
public final class OutboxWriterMain {
  private OutboxWriterMain() {}

  /**
   * @param args JDBC URL, schema, keys, events per key
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String schema = args[1];
    int keys = Integer.parseInt(args[2]);
    int perKey = Integer.parseInt(args[3]);
    try (var pool = Fixture.pool(args[0], 2);
        Outbox outbox = Outbox.create(pool, OutboxOptions.builder().schema(schema).build())) {
      int committed = 0;
      for (int n = 0; n < perKey; n++) {
        for (int k = 0; k < keys; k++) {
          Fixture.commit(pool, outbox, schema, "key-" + k, n, true);
          committed++;
        }
      }
      System.out.println("committed " + committed);
      System.out.flush();
      new CountDownLatch(1).await();
    }
  }
}
