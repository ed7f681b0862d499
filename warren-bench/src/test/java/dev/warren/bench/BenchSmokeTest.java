package dev.warren.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every scenario for about half a second per contender (one round, no warm-up) against the
 * real broker, on a virtual host of its own, and checks both reports are written with a non-zero
 * throughput for every contender, every target checked, and the footprint figures. No performance
 * thresholds: this proves the harness works, not how fast anything is. Skipped without RabbitMQ,
 * failed with {@code CI=true} ({@link TestBroker}). The footprint scenario needs the CLI's jar,
 * which the reactor builds before this module; outside CI, without it, that scenario is left out.
 */
class BenchSmokeTest {
  private static final List<String> WARREN_RABBIT =
      List.of("Warren", "raw amqp-client", "Spring AMQP");
  private static final List<String> WARREN_RABBIT_ENVELOPE =
      List.of("Warren", "raw amqp-client", "Spring AMQP", "raw amqp-client, CloudEvents headers");
  private static final List<String> LINEAGE =
      List.of("Warren (lineage on)", "Warren (lineage off)");
  private static final Map<String, List<String>> CONTENDERS =
      Map.ofEntries(
          Map.entry("publish-classic", WARREN_RABBIT_ENVELOPE),
          Map.entry("publish-quorum", WARREN_RABBIT_ENVELOPE),
          Map.entry("end-to-end", WARREN_RABBIT),
          Map.entry("fixed-rate-1000", List.of("Warren", "raw amqp-client")),
          Map.entry("fixed-rate-5000", List.of("Warren", "raw amqp-client")),
          Map.entry("http-ingest", List.of("Warren HTTP server", "Warren.publish (library)")),
          Map.entry("http-ingest-2000", List.of("Warren HTTP server", "Warren.publish (library)")),
          Map.entry("in-memory", List.of("Warren (in-memory)", "ArrayBlockingQueue")),
          Map.entry("tasks", List.of("Warren tasks (in-memory)", "ExecutorService (1 worker)")),
          Map.entry("footprint", List.of("Warren server process", "JDK HttpServer process")),
          Map.entry("lineage-cost", LINEAGE),
          Map.entry("lineage-cost-memory", LINEAGE));

  @Test
  @Timeout(300)
  void everyScenarioWritesBothReports(@TempDir Path dir) throws IOException {
    boolean footprint = hasServerJar();
    List<String> scenarios = new ArrayList<>(CONTENDERS.keySet());
    if (!footprint) {
      scenarios.remove("footprint");
    }
    Path markdown = dir.resolve("bench.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (TestBroker broker = TestBroker.create()) {
      List<String> args = new ArrayList<>(scenarios);
      args.addAll(
          List.of(
              "--uri",
              "amqp://guest:guest@" + broker.host() + ":" + broker.port(),
              "--vhost",
              broker.vhost(),
              "--duration",
              "0.5",
              "--rounds",
              "1",
              "--warmup",
              "0",
              "--quiet-wait",
              "0",
              "--repeats",
              "0",
              "--connections",
              "8",
              "--out",
              markdown.toString()));
      exit =
          BenchMain.run(
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              args.toArray(String[]::new));
    }

    assertThat(exit).as("exit code; stderr:%n%s", err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(markdown).exists();
    Path json = dir.resolve("bench.json");
    assertThat(json).exists();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    List<String> seen = new ArrayList<>();
    for (JsonNode scenario : report.get("scenarios")) {
      String id = scenario.get("id").asText();
      seen.add(id);
      List<String> names = new ArrayList<>();
      for (JsonNode c : scenario.get("contenders")) {
        names.add(c.get("name").asText());
        assertThat(c.get("medianPerSecond").asDouble()).as(id + " " + c.get("name")).isPositive();
        assertThat(c.get("messages").asLong()).as(id + " " + c.get("name")).isPositive();
      }
      assertThat(names).as(id).containsExactlyElementsOf(CONTENDERS.get(id));
      assertThat(scenario.get("targets")).as(id + " targets").isNotEmpty();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(scenarios);
    assertThat(report.at("/environment/broker").asText()).startsWith("RabbitMQ");
    assertThat(report.get("targets")).hasSize(footprint ? 16 : 14);
    assertThat(Files.readString(markdown))
        .contains(
            "## Summary", "## Environment", "Spring AMQP", "ArrayBlockingQueue", "bench.json");
    if (footprint) {
      JsonNode figures = null;
      for (JsonNode scenario : report.get("scenarios")) {
        if (scenario.get("id").asText().equals("footprint")) {
          figures = scenario.at("/contenders/0/figures");
        }
      }
      assertThat(figures).isNotNull();
      assertThat(figures.get("time to ready, ms").asDouble()).isPositive();
      assertThat(figures.get("resident idle, MB").asDouble()).isPositive();
      assertThat(Files.readString(markdown)).contains("resident under load (max), MB");
    }
  }

  /** Whether the CLI's jar is there; with {@code CI=true} it must be: the reactor built it. */
  private static boolean hasServerJar() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("warren-cli/target/warren.jar"))) {
        return true;
      }
    }
    assertThat(System.getenv("CI"))
        .as("warren-cli/target/warren.jar is missing; the footprint scenario needs it")
        .isNotEqualTo("true");
    return false;
  }
}
