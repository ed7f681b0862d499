package dev.warren.bench.scenarios;

import dev.warren.bench.BenchConfig;
import dev.warren.bench.BenchContext;
import dev.warren.bench.Contender;
import dev.warren.bench.Payload;
import dev.warren.bench.Scenario;
import dev.warren.bench.Target;
import dev.warren.bench.clients.WarrenClient;
import java.util.List;

/**
 * What lineage recording costs: Warren with lineage on (the default) against the same Warren with
 * it off ({@code WARREN_LINEAGE=off}), everything else equal. On RabbitMQ ({@code lineage-cost}) in
 * the shape of scenario 1, publishing with confirms to a durable classic queue; on the in-memory
 * transport ({@code lineage-cost-memory}) in the shape of scenario 5, publish to handler. The cost
 * is {@code 1 - on / off}, in percent.
 */
public final class LineageCostScenario implements Scenario {
  /** The contender with lineage recording. */
  public static final String ON = "Warren (lineage on)";

  /** The contender without. */
  public static final String OFF = "Warren (lineage off)";

  private final boolean memory;

  /**
   * @param memory the in-memory transport instead of RabbitMQ
   */
  public LineageCostScenario(boolean memory) {
    this.memory = memory;
  }

  @Override
  public String id() {
    return memory ? "lineage-cost-memory" : "lineage-cost";
  }

  @Override
  public String title() {
    return memory
        ? "Lineage cost: in-memory transport, publish to handler"
        : "Lineage cost: publish with confirms, durable classic queue";
  }

  @Override
  public String description() {
    String shape =
        memory
            ? "Scenario 5's shape: one thread publishes through the in-memory transport to one"
                + " subscription (one handler thread), at most the window in flight."
            : "Scenario 1's shape: one thread publishes persistent messages with confirms to a"
                + " durable classic queue with no consumer, at most the confirm window unconfirmed.";
    return shape
        + " Both contenders are Warren, with lineage recording on (the default: every publish and"
        + " delivery recorded in the in-memory lineage store) and off (WARREN_LINEAGE=off, here"
        + " WarrenOptions.lineage(false)); the target is on the cost, 1 - on / off.";
  }

  @Override
  public String latencyMeaning() {
    return memory ? "publish call to handler" : "publish call to confirm callback";
  }

  @Override
  public boolean needsBroker() {
    return !memory;
  }

  @Override
  public List<Contender> contenders(BenchContext context) {
    BenchConfig c = context.config();
    if (memory) {
      byte[] template = Payload.template(c.payloadBytes());
      return List.of(
          new InMemoryScenario.WarrenMemory(ON, true, c.window(), c.prefetch(), template),
          new InMemoryScenario.WarrenMemory(OFF, false, c.window(), c.prefetch(), template));
    }
    return List.of(
        new PublishScenario.Publisher(
            new WarrenClient(
                context.requireBroker(), c.window(), c.prefetch(), ON, "lineage-on", true),
            context,
            id(),
            false),
        new PublishScenario.Publisher(
            new WarrenClient(
                context.requireBroker(), c.window(), c.prefetch(), OFF, "lineage-off", false),
            context,
            id(),
            false));
  }

  @Override
  public List<Target> targets() {
    return List.of(new Target.CostAtMost(OFF, 10));
  }
}
