package dev.warren.cli;

import static dev.warren.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.examples.Example;
import dev.warren.examples.Examples;
import dev.warren.testkit.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoCommandTest {
  @Test
  @Timeout(60)
  void runsTheNamedExamplesInOrderAndSummarises() {
    Cli.Result r = cli().run("demo", "event-hub", "gateway");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("warren:");
    String out = r.out();
    assertThat(out.indexOf("== event-hub: "))
        .isNotNegative()
        .isLessThan(out.indexOf("== gateway: "));
    assertThat(out)
        .contains("Transport: memory")
        // the gateway: publisher-only admin, broadcast, ordered spend, tasks
        .contains("admin 0 subscriptions")
        .contains("[admin] published virtual-key.updated")
        .containsPattern("core-1 +virtual-key vk-alpha, virtual-key vk-gamma, provider openai")
        .containsPattern("core-2 +virtual-key vk-alpha, virtual-key vk-gamma, provider openai")
        .contains("core-1 drained mid-stream")
        .contains("-> SUCCESS after 2 attempt(s)")
        .contains("-> FAILURE after 1 attempt(s)")
        // the event hub: a data file, patterns, the audit trail, the lineage tree
        .contains("./warren publish commerce.order.created --data-file ")
        .contains("every published event is in the trail, once")
        .contains("└─ commerce.inventory.reserved ");
    assertThat(r.outLines())
        .containsSubsequence("Summary")
        .anySatisfy(
            l -> assertThat(l).matches("  event-hub +ok +[0-9.]+ s +5 events, 12 deliveries.*"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "  gateway +ok +[0-9.]+ s +4 changes evicted on 2 caches; 60 spends.*"));
  }

  @Test
  @Timeout(120)
  void runsEveryExampleWithoutNames() {
    Cli.Result r = cli().run("demo");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(Examples.all()).extracting(Example::name).contains("gateway", "event-hub");
    for (Example e : Examples.all()) {
      assertThat(r.out()).contains("== " + e.name() + ": " + e.title());
      assertThat(r.outLines())
          .anySatisfy(l -> assertThat(l).startsWith("  " + e.name() + " ").contains(" ok "));
    }
  }

  @Test
  @Timeout(60)
  void runsAgainFromACleanSlate() {
    assertThat(cli().run("demo", "gateway").exit()).isZero();
    Cli.Result again = cli().run("demo", "gateway");

    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("every key's spend was applied in sequence order, once");
  }

  @Test
  void listsTheExamples() {
    Cli.Result r = cli().run("demo", "--list");

    assertThat(r.exit()).isZero();
    assertThat(r.outLines().get(0)).startsWith("name").contains("what it shows");
    for (Example e : Examples.all()) {
      assertThat(r.outLines())
          .anySatisfy(l -> assertThat(l).startsWith(e.name() + " ").endsWith(e.title()));
    }
  }

  @Test
  void anUnknownNameIsAUsageErrorAndRunsNothing() {
    Cli.Result r = cli().run("demo", "gateway", "nope");

    assertThat(r.exit()).isEqualTo(WarrenCli.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .startsWith("warren: unknown example 'nope': choose from gateway, event-hub")
        .endsWith("(see 'warren demo --list')");
  }

  @Test
  @Timeout(90)
  void runsOnRabbitMqWhenABrokerIsConfigured() {
    try (TestBroker broker = TestBroker.create()) {
      Cli.Result r =
          cli()
              .env("WARREN_TRANSPORT", "auto")
              .env("WARREN_RABBITMQ_URL", broker.uri())
              .run("demo", "gateway", "event-hub");

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out())
          .contains("Transport: rabbitmq amqp://guest:***@127.0.0.1:")
          .containsPattern("  gateway +ok ")
          .containsPattern("  event-hub +ok ");
    }
  }
}
