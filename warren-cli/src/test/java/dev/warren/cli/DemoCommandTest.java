package dev.warren.cli;

import static dev.warren.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoCommandTest {
  @Test
  @Timeout(20)
  void narratesBroadcastCompetingAndTheDeadLetter() {
    Cli.Result r = cli().run("demo");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("published virtual-key.updated")
        .contains("core-1  demo.cache-invalidation  evicted key 42 from its cache")
        .contains("core-2  demo.cache-invalidation  evicted key 42 from its cache")
        .contains("demo.spend-updates split them: core-1 ")
        .contains("attempt 4 failed: amount -5.00 is negative")
        .contains("-> dead-lettered to demo.spend-updates.dlq")
        .contains("error: java.lang.IllegalArgumentException: amount -5.00 is negative")
        .contains("1 dead letter in demo.spend-updates.dlq");
    assertThat(r.err()).doesNotContain("warren:");
  }

  @Test
  @Timeout(20)
  void runsAgainFromACleanSlate() {
    assertThat(cli().run("demo").exit()).isZero();
    Cli.Result again = cli().run("demo");

    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("1 dead letter in demo.spend-updates.dlq");
  }
}
