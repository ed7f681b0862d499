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
 * Runs scenarios 1 (publish with confirms, classic and quorum) and 5 (in-memory) for about a second
 * per contender against the real broker, on a virtual host of its own, and checks both reports are
 * written with a non-zero throughput for every contender. No performance thresholds: this proves
 * the harness works, not how fast anything is. Skipped without RabbitMQ, failed with {@code
 * CI=true} ({@link TestBroker}).
 */
class BenchSmokeTest {
  private static final Map<String, List<String>> CONTENDERS =
      Map.of(
          "publish-classic", List.of("Warren", "raw amqp-client", "Spring AMQP"),
          "publish-quorum", List.of("Warren", "raw amqp-client", "Spring AMQP"),
          "in-memory", List.of("Warren (in-memory)", "ArrayBlockingQueue"));

  @Test
  @Timeout(300)
  void scenariosOneAndFiveWriteBothReports(@TempDir Path dir) throws IOException {
    Path markdown = dir.resolve("bench.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (TestBroker broker = TestBroker.create()) {
      exit =
          BenchMain.run(
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              "1",
              "5",
              "--uri",
              "amqp://guest:guest@" + broker.host() + ":" + broker.port(),
              "--vhost",
              broker.vhost(),
              "--duration",
              "1",
              "--rounds",
              "1",
              "--warmup",
              "0.5",
              "--quiet-wait",
              "0",
              "--repeats",
              "0",
              "--out",
              markdown.toString());
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
    }
    assertThat(seen).containsExactly("publish-classic", "publish-quorum", "in-memory");
    assertThat(report.at("/environment/broker").asText()).startsWith("RabbitMQ");
    assertThat(report.get("targets")).hasSize(5);
    assertThat(Files.readString(markdown))
        .contains(
            "## Summary", "## Environment", "Spring AMQP", "ArrayBlockingQueue", "bench.json");
  }
}
