package dev.warren.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warren.bench.scenarios.TaskStoresScenario;
import dev.warren.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
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
 * Runs the task-stores scenarios for about a second per contender against the real RabbitMQ, Redis
 * and PostgreSQL (JobRunr and db-scheduler included), and checks every contender finished jobs and
 * the report has them side by side with their targets. No performance thresholds.
 */
class TaskStoresSmokeTest {
  private static final Map<String, List<String>> CONTENDERS =
      Map.of(
          "tasks-memory", List.of("Warren tasks (memory store)"),
          "tasks-redis", List.of("Warren tasks (redis store)"),
          "tasks-postgres",
              List.of(
                  "Warren tasks (postgres store)",
                  TaskStoresScenario.JOBRUNR,
                  TaskStoresScenario.DB_SCHEDULER));

  @Test
  @Timeout(300)
  void everyStoreAndEveryContenderFinishesJobs(@TempDir Path dir) throws Exception {
    Path markdown = dir.resolve("tasks.md");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (TestBroker broker = TestBroker.create()) {
      exit =
          BenchMain.run(
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              "task-stores",
              "--uri",
              "amqp://guest:guest@" + broker.host() + ":" + broker.port(),
              "--vhost",
              broker.vhost(),
              "--duration",
              "1",
              "--rounds",
              "1",
              "--warmup",
              "0",
              "--quiet-wait",
              "0",
              "--repeats",
              "0",
              "--out",
              markdown.toString());
    }

    assertThat(exit).as("exit code; stderr:%n%s", err.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode report = new ObjectMapper().readTree(dir.resolve("tasks.json").toFile());
    List<String> seen = new ArrayList<>();
    for (JsonNode scenario : report.get("scenarios")) {
      String id = scenario.get("id").asText();
      seen.add(id);
      List<String> names = new ArrayList<>();
      for (JsonNode c : scenario.get("contenders")) {
        names.add(c.get("name").asText());
        assertThat(c.get("messages").asLong()).as(id + " " + c.get("name")).isPositive();
      }
      assertThat(names).as(id).containsExactlyElementsOf(CONTENDERS.get(id));
      assertThat(scenario.get("targets")).as(id + " targets").isNotEmpty();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(CONTENDERS.keySet());
    assertThat(Files.readString(markdown)).contains("JobRunr 8.", "db-scheduler 16.");
  }
}
