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
}
