package dev.warren.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark run measures and how long, the same for every contender.
 *
 * @param duration measured time per contender per scenario, split into {@code rounds}
 * @param rounds how many measured rounds each contender gets, alternating with the others
 * @param warmup unmeasured time per contender before the first round
 * @param window unconfirmed publishes in flight at most (and, end to end, unconsumed ones)
 * @param prefetch consumer prefetch
 * @param payloadBytes message body size
 * @param amqpUri the broker, without a virtual host, for example {@code
 *     amqp://guest:guest@127.0.0.1:5672}
 * @param vhost an existing virtual host to use, or {@code null} to create a fresh one per run
 * @param out the Markdown report; the JSON report is written beside it
 * @param quietWait how long to wait, before each round, for other processes to leave the CPUs
 * @param repeats how many times a round disturbed by other processes is run again
 * @param springScoped whether Spring AMQP sends a round's messages in one scoped operation
 * @param only contenders to run, by the start of their names (case-insensitive), for profiling one
 *     of them; empty for all
 * @param connections HTTP connections, each with one request at a time, in the HTTP scenarios; also
 *     the in-flight bound of the library publishing they are compared with
 * @param serverJar the CLI's jar ({@code warren-cli/target/warren.jar}) the footprint scenario
 *     launches, or {@code null} to look for it from the working directory up
 */
public record BenchConfig(
    Duration duration,
    int rounds,
    Duration warmup,
    int window,
    int prefetch,
    int payloadBytes,
    String amqpUri,
    String vhost,
    Path out,
    Duration quietWait,
    int repeats,
    boolean springScoped,
    List<String> only,
    int connections,
    Path serverJar) {

  /** Checks the values, naming the bad one. */
  public BenchConfig {
    only = only == null ? List.of() : List.copyOf(only);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration " + duration + " must be positive");
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds " + rounds + " must be at least 1");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warm-up " + warmup + " must not be negative");
    }
    if (quietWait.isNegative()) {
      throw new IllegalArgumentException("quiet wait " + quietWait + " must not be negative");
    }
    if (repeats < 0) {
      throw new IllegalArgumentException("repeats " + repeats + " must not be negative");
    }
    if (connections < 1) {
      throw new IllegalArgumentException("connections " + connections + " must be at least 1");
    }
    if (window < 1) {
      throw new IllegalArgumentException("window " + window + " must be at least 1");
    }
    if (prefetch < 1 || prefetch > 65_535) {
      throw new IllegalArgumentException("prefetch " + prefetch + " must be 1 to 65535");
    }
    if (payloadBytes < Payload.MIN_BYTES) {
      throw new IllegalArgumentException(
          "payload " + payloadBytes + " bytes is too small: at least " + Payload.MIN_BYTES);
    }
  }

  /**
   * @param contender a contender's name
   * @return whether this run includes it
   */
  public boolean includes(String contender) {
    String name = contender.toLowerCase(Locale.ROOT);
    return only.isEmpty()
        || only.stream().anyMatch(o -> name.startsWith(o.toLowerCase(Locale.ROOT)));
  }

  /**
   * @return the length of one measured round
   */
  public Duration round() {
    return duration.dividedBy(rounds);
  }

  /**
   * @return where the JSON report goes: the Markdown file's name with {@code .json}
   */
  public Path jsonOut() {
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return out.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
  }
}
