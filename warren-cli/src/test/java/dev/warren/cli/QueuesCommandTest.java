package dev.warren.cli;

import static dev.warren.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class QueuesCommandTest {
  private final String queue = "cli-queue-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void declaresWithADurationTtlAndDeletesSayingWhatHappened() {
    Cli.Result declared =
        cli().run("queues", "declare", queue, "--binding", "order.#", "--ttl", "7d");
    assertThat(declared.exit()).as(declared.err()).isZero();
    assertThat(declared.out()).contains(queue).contains("x-message-ttl=604800000");

    Cli.Result deleted = cli().run("queues", "delete", queue);
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(deleted.out().strip()).isEqualTo("deleted " + queue);

    Cli.Result again = cli().run("queues", "delete", queue);
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out().strip()).isEqualTo("no queue named '" + queue + "': nothing deleted");
  }

  @Test
  void aTtlWithoutAUnitIsRefusedBeforeAnythingIsDeclared() {
    Cli.Result r = cli().run("queues", "declare", queue, "--ttl", "100");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--ttl '100' needs a unit");
    assertThat(cli().run("queues", "info", queue).exit()).isEqualTo(1);
  }

  @Test
  void movesEveryReadyMessageToAnotherQueue() {
    String target = queue + "-moved";
    String pattern = queue + ".#";
    assertThat(cli().run("queues", "declare", queue, "--binding", pattern).exit()).isZero();
    assertThat(cli().run("queues", "declare", target).exit()).isZero();
    for (int i = 0; i < 3; i++) {
      Cli.Result p = cli().run("publish", queue + ".placed", "--data", "{\"n\":" + i + "}");
      assertThat(p.exit()).as(p.err()).isZero();
    }

    Cli.Result moved = cli().run("queues", "move", queue, target);
    assertThat(moved.exit()).as(moved.err()).isZero();
    assertThat(moved.out().strip()).isEqualTo("moved 3");
    assertThat(cli().run("queues", "move", queue, target).out().strip()).isEqualTo("moved 0");

    Cli.Result missing = cli().run("queues", "move", queue + "-none", target);
    assertThat(missing.exit()).isEqualTo(1);
    Cli.Result itself = cli().run("queues", "move", target, target);
    assertThat(itself.exit()).isEqualTo(2);
    assertThat(itself.err()).contains("to itself");

    cli().run("queues", "delete", queue);
    cli().run("queues", "delete", target);
  }
}
