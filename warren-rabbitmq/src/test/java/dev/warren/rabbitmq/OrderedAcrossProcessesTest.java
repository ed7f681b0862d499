package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.testkit.TestBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three worker JVMs on one ordered subscription, 1,000 keys x 20 sequence numbers, one worker
 * killed with SIGKILL midway: every (key, seq) is handled, and per key the handled sequence never
 * goes backwards except for the one event that was in flight at the kill.
 */
@Timeout(value = 300, unit = SECONDS)
class OrderedAcrossProcessesTest {
  private static final int KEYS = 1000;
  private static final int SEQS = 20;
  private static final int PARTITIONS = 8;

  /** What SubscriptionRunner gives an ordered lane at most: its unacknowledged window. */
  private static final int ORDERED_PREFETCH = 10;

  private final List<Process> workers = new ArrayList<>();
  private TestBroker broker;

  @AfterEach
  void stop() {
    workers.forEach(Process::destroyForcibly);
    if (broker != null) {
      broker.close();
    }
  }

  private Process startWorker(String exchange, String sub, Path out) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                OrderedWorkerMain.class.getName(),
                broker.uri(),
                exchange,
                sub,
                Integer.toString(PARTITIONS),
                out.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(r.readLine()).isEqualTo("ready");
    workers.add(p);
    return p;
  }

  private static List<String[]> lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] parts = line.split(" ");
      if (parts.length == 2) {
        out.add(parts);
      }
    }
    return out;
  }

  private static int handled(List<Path> files) throws IOException {
    int n = 0;
    for (Path f : files) {
      n += lines(f).size();
    }
    return n;
  }

  @Test
  void ordersPerKeyAcrossProcessesThroughAKill(@TempDir Path dir) throws Exception {
    broker = TestBroker.create();
    String exchange = "ordered.events";
    String sub = "ledger";
    WarrenOptions options =
        WarrenOptions.builder()
            .rabbitmqUri(broker.uri())
            .exchange(exchange)
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .build();
    List<Path> files = List.of(dir.resolve("w0"), dir.resolve("w1"), dir.resolve("w2"));
    List<Process> started = new ArrayList<>();
    for (Path f : files) {
      started.add(startWorker(exchange, sub, f));
    }
    try (Warren publisher = Warren.create(options)) {
      List<CompletableFuture<Event>> sent = new ArrayList<>();
      for (int seq = 0; seq < SEQS; seq++) {
        for (int k = 0; k < KEYS; k++) {
          sent.add(
              publisher.publish(
                  Event.builder("ledger.spend")
                      .partitionKey("k" + k)
                      .subject(Integer.toString(seq))
                      .data(Map.of("seq", seq))
                      .build()));
        }
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    await().atMost(60, SECONDS).until(() -> handled(files) >= KEYS * SEQS / 3);
    // kill the busiest worker: it holds partitions with events in flight
    int victim = 0;
    for (int i = 1; i < files.size(); i++) {
      if (lines(files.get(i)).size() > lines(files.get(victim)).size()) {
        victim = i;
      }
    }
    started.get(victim).destroyForcibly().waitFor();
    int atKill = lines(files.get(victim)).size();
    assertThat(atKill).isLessThan(KEYS * SEQS);

    await()
        .atMost(120, SECONDS)
        .until(
            () -> {
              Set<String> all = new HashSet<>();
              for (Path f : files) {
                for (String[] l : lines(f)) {
                  all.add(l[0] + " " + l[1]);
                }
              }
              return all.size() == KEYS * SEQS;
            });

    // why: an ack the killed worker wrote may still sit in its socket when the kernel resets the
    // connection, so more than the event being handled can run again; never more than the
    // partition's unacknowledged window (an ordered lane's prefetch) per partition
    int duplicates = handled(files) - KEYS * SEQS;
    assertThat(duplicates)
        .as("only events in flight at the kill run twice: at most a prefetch window per partition")
        .isBetween(0, PARTITIONS * ORDERED_PREFETCH);
    Map<String, List<Integer>> victimSeqs = perKey(lines(files.get(victim)));
    for (int i = 0; i < files.size(); i++) {
      Map<String, List<Integer>> mine = perKey(lines(files.get(i)));
      for (Map.Entry<String, List<Integer>> e : mine.entrySet()) {
        assertThat(e.getValue())
            .as("worker %d, key %s", i, e.getKey())
            .isSorted()
            .doesNotHaveDuplicates();
        if (i != victim && victimSeqs.containsKey(e.getKey())) {
          List<Integer> before = victimSeqs.get(e.getKey());
          List<Integer> after = e.getValue();
          List<Integer> again = after.stream().filter(before::contains).toList();
          // what runs twice is exactly the killed worker's last events of the key, in order;
          // after them the key carries on where it left off
          assertThat(before.subList(before.size() - again.size(), before.size()))
              .as("key %s: the events run again are the killed worker's last ones", e.getKey())
              .isEqualTo(again);
          assertThat(after.subList(0, again.size()))
              .as("key %s: they run again first, in order", e.getKey())
              .isEqualTo(again);
          assertThat(after.get(0))
              .as("key %s moved from the killed worker without skipping back further", e.getKey())
              .isEqualTo(before.get(before.size() - 1) + 1 - again.size());
        }
      }
    }
  }

  private static Map<String, List<Integer>> perKey(List<String[]> lines) {
    Map<String, List<Integer>> out = new HashMap<>();
    for (String[] l : lines) {
      out.computeIfAbsent(l[0], k -> new ArrayList<>()).add(Integer.parseInt(l[1]));
    }
    return out;
  }
}
