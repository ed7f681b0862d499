package dev.warren.bench.scenarios;

import dev.warren.bench.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every scenario, in report order, and the names the command line accepts for them. */
public final class Scenarios {
  private Scenarios() {}

  /**
   * @return every scenario, in report order
   */
  public static List<Scenario> all() {
    return List.of(
        new PublishScenario(false),
        new PublishScenario(true),
        new EndToEndScenario(),
        new FixedRateScenario(1_000),
        new FixedRateScenario(5_000),
        new HttpIngestScenario(0),
        new HttpIngestScenario(2_000),
        new InMemoryScenario(),
        new TasksScenario(),
        new TaskStoresScenario(TaskStoresScenario.Store.MEMORY),
        new TaskStoresScenario(TaskStoresScenario.Store.REDIS),
        new TaskStoresScenario(TaskStoresScenario.Store.POSTGRES),
        new FootprintScenario(),
        new LineageCostScenario(false),
        new LineageCostScenario(true),
        new OutboxScenario(false),
        new OutboxScenario(true));
  }

  /**
   * @return each group name (the scenario numbers) and the scenario ids it stands for
   */
  public static Map<String, List<String>> groups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    groups.put("1", List.of("publish-classic", "publish-quorum"));
    groups.put("publish", groups.get("1"));
    groups.put("2", List.of("end-to-end"));
    groups.put("3", List.of("fixed-rate-1000", "fixed-rate-5000"));
    groups.put("fixed-rate", groups.get("3"));
    groups.put("4", List.of("http-ingest", "http-ingest-2000"));
    // why: the scenario 4 is both measures; its id selects both, the rate one alone
    // stays selectable as http-ingest-2000
    groups.put("http-ingest", groups.get("4"));
    groups.put("5", List.of("in-memory"));
    groups.put("6", List.of("tasks", "tasks-memory", "tasks-redis", "tasks-postgres"));
    groups.put("task-stores", List.of("tasks-memory", "tasks-redis", "tasks-postgres"));
    groups.put("7", List.of("footprint"));
    groups.put("lineage-cost", List.of("lineage-cost", "lineage-cost-memory"));
    groups.put("outbox", List.of("outbox", "inbox-cost"));
    groups.put("all", all().stream().map(Scenario::id).toList());
    return groups;
  }

  /**
   * @param names scenario ids or group names; empty for all
   * @return the scenarios, in report order, each once
   * @throws IllegalArgumentException naming an unknown name and listing the known ones
   */
  public static List<Scenario> select(List<String> names) {
    if (names == null || names.isEmpty()) {
      return all();
    }
    Map<String, List<String>> groups = groups();
    List<String> ids = new ArrayList<>();
    List<String> known = all().stream().map(Scenario::id).toList();
    for (String name : names) {
      List<String> expanded =
          groups.getOrDefault(name, known.contains(name) ? List.of(name) : null);
      if (expanded == null) {
        throw new IllegalArgumentException(
            "unknown scenario '"
                + name
                + "'; known: "
                + String.join(", ", known)
                + ", or the groups "
                + String.join(", ", groups.keySet()));
      }
      ids.addAll(expanded);
    }
    return all().stream().filter(s -> ids.contains(s.id())).toList();
  }
}
