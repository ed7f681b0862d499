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
        new InMemoryScenario());
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
    groups.put("5", List.of("in-memory"));
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
