package dev.warren.cli.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.cli.WarrenCli;
import dev.warren.lineage.DeliveryStep;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Outcome;
import dev.warren.lineage.spi.LineageStore;
import dev.warren.lineage.spi.LineageStoreProvider;
import dev.warren.lineage.spi.LineageWrite;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code warren trace} draws a recorded chain as a tree, read from the (here in-memory) store. */
class TraceCommandTest {
  private final String root = "r-" + UUID.randomUUID();
  private final String pay = "p-" + UUID.randomUUID();
  private final String stock = "s-" + UUID.randomUUID();
  private final Instant t0 = Instant.parse("2026-11-23T12:00:00Z");

  /** The process's memory: lineage store, found as any store is, through its provider. */
  private static LineageStore memoryStore() {
    return ServiceLoader.load(LineageStoreProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.supports("memory:"))
        .findFirst()
        .orElseThrow()
        .create("memory:");
  }

  private void record() {
    LineageStore store = memoryStore();
    store.write(
        List.of(
            seen(root, 0, List.of()),
            seen(pay, 4, List.of(root)),
            seen(stock, 5, List.of(root)),
            step(root, "orders", Outcome.HANDLED, 1, null, 3),
            step(pay, "payments", Outcome.HANDLED, 6, null, 2),
            step(stock, "stock", Outcome.RETRIED, 6, "java.lang.IllegalStateException: offline", 1),
            step(stock, "stock", Outcome.DEAD_LETTERED, 7, "java.lang.IllegalStateException: x", 1),
            step(stock, "stock", Outcome.REPLAYED, 900, null, 0),
            step(stock, "stock", Outcome.HANDLED, 901, null, 1)));
  }

  private LineageWrite seen(String id, int millis, List<String> parents) {
    return new LineageWrite.EventSeen(
        new EventRecord(
            id,
            id.startsWith("r")
                ? "order.placed"
                : id.startsWith("p") ? "payment.requested" : "stock.reserve",
            "/shop",
            t0.plusMillis(millis),
            root,
            parents,
            12,
            List.of()));
  }

  private LineageWrite step(String id, String sub, Outcome o, int millis, String error, int ms) {
    return new LineageWrite.StepTaken(
        id, sub, new DeliveryStep(o, t0.plusMillis(millis), 1, Duration.ofMillis(ms), error));
  }

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        new WarrenCli(Map.of("WARREN_STORE_URL", "memory:"), new ByteArrayInputStream(new byte[0]))
            .commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "trace";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = cli.execute(all);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void drawsTheTreeWithOutcomesAndDurations() {
    record();

    String[] r = run(stock);

    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1])
        .isEqualTo(
            "order.placed "
                + root
                + "  2026-11-23T12:00:00Z  /shop  12 B\n"
                + "│  ✔ orders: handled in 3 ms\n"
                + "├─ payment.requested "
                + pay
                + "  +4 ms\n"
                + "│     ✔ payments: handled in 2 ms\n"
                + "└─ stock.reserve "
                + stock
                + "  +5 ms  ◀\n"
                + "      ✔ stock: handled in 3 ms, after 1 retry, replayed 1×, over 895 ms\n");
  }

  @Test
  void listsACorrelationInTimeOrder() {
    record();

    String[] r = run("--correlation", root);

    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).startsWith("correlation " + root + ": 3 events\n");
    assertThat(r[1].indexOf("payment.requested")).isLessThan(r[1].indexOf("stock.reserve"));
    assertThat(r[1]).contains("← " + root);
  }

  @Test
  void anUnknownEventExitsWithOne() {
    String[] r = run("nope-" + UUID.randomUUID());

    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("No lineage recorded").contains("memory:");
  }
}
