package dev.warren.cli;

import static dev.warren.cli.Cli.cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarrenCliTest {
  @Test
  void aNamedCommandIsTheOnlyOneBuiltHelpAndUnknownNamesGetAll() {
    WarrenCli warren = new WarrenCli(Map.of(), InputStream.nullInputStream());

    assertThat(warren.commandLine("publish", "a.b", "--data", "{}").getSubcommands().keySet())
        .containsExactly("publish");
    assertThat(warren.commandLine("--debug", "server", "--port", "0").getSubcommands().keySet())
        .containsExactly("server");
    assertThat(warren.commandLine("--help").getSubcommands())
        .containsKeys("publish", "tail", "demo", "server", "queues", "tasks", "trace", "worker")
        .containsKeys("dlq", "schedules", "help");
    assertThat(warren.commandLine("help", "publish").getSubcommands()).hasSize(11);
    assertThat(warren.commandLine("publsh").getSubcommands()).hasSize(11);
  }

  @Test
  void versionNamesTheCliAndTheJava() {
    Cli.Result r = cli().run("--version");

    assertThat(r.exit()).isZero();
    assertThat(r.outLines().get(0)).matches("warren \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(r.outLines().get(1)).startsWith("Java " + System.getProperty("java.version"));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void helpListsTheCommands() {
    Cli.Result r = cli().run("--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("publish", "tail", "demo", "WARREN_RABBITMQ_URL");
  }

  @Test
  void withoutACommandItPrintsTheUsageToStandardError() {
    Cli.Result r = cli().run();

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Usage: warren");
  }

  @Test
  void anUnknownCommandIsOneLineAndExitCodeTwo() {
    Cli.Result r = cli().run("publsh", "a.b");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines())
        .singleElement()
        .asString()
        .startsWith("warren: Unmatched arguments from index 0: 'publsh', 'a.b'")
        .endsWith("(see 'warren --help')");
  }
}
