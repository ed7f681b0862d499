package dev.warren.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@code ./warren} as a real process. Runs in the package phase (see the pom), once {@code
 * target/warren.jar} exists; {@code WARREN_NO_BUILD=1} keeps it from starting a nested build.
 */
@Timeout(60)
class LauncherTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void versionPrintsOnlyTheVersion() throws Exception {
    Run r = warren("--version");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList().get(0)).startsWith("warren ");
    assertThat(r.out().lines()).hasSize(2);
  }

  @Test
  void publishPrintsTheIdAndNothingElseOnStandardOutput() throws Exception {
    Run r = warren("publish", "x.y", "--data", "{}");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\n");
    assertThat(r.err()).contains("in-memory transport");
  }

  @Test
  void badInputExitsWithTwoAndOneLineOnStandardError() throws Exception {
    Run r = warren("publish", "x..y", "--data", "{}");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList())
        .containsExactly(
            "warren: invalid event type 'x..y': empty word (leading, trailing or doubled dot)");
  }

  @Test
  @Timeout(240)
  void demoRunsEveryExampleAndEndsWithASummary() throws Exception {
    Run r = warren(Duration.ofSeconds(200), "demo");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("== gateway: ").contains("== event-hub: ").contains("\nSummary\n");
    assertThat(r.out().lines())
        .anySatisfy(l -> assertThat(l).matches("  gateway +ok +.*"))
        .anySatisfy(l -> assertThat(l).matches("  event-hub +ok +.*"))
        .noneSatisfy(l -> assertThat(l).contains("FAILED"));
  }

  @Test
  void demoWithAnUnknownNameExitsWithTwo() throws Exception {
    Run r = warren("demo", "no-such-example");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("warren: unknown example 'no-such-example': choose from gateway, event-hub");
  }

  private record Run(int exit, String out, String err) {}

  private static Run warren(String... args) throws IOException, InterruptedException {
    return warren(Duration.ofSeconds(30), args);
  }

  private static Run warren(Duration timeout, String... args)
      throws IOException, InterruptedException {
    assertThat(ROOT.resolve("warren-cli/target/warren.jar")).exists();
    Path out = Files.createTempFile("warren-out", ".txt");
    Path err = Files.createTempFile("warren-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of(ROOT.resolve("warren").toString()),
                          java.util.Arrays.stream(args))
                      .toList())
              .directory(ROOT.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("WARREN_"));
      pb.environment().put("WARREN_NO_BUILD", "1");
      pb.environment().put("WARREN_TRANSPORT", "memory");
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "./warren " + List.of(args) + " did not finish in " + timeout.toSeconds() + " s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
