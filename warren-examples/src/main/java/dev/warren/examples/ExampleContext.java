package dev.warren.examples;

import dev.warren.WarrenOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What an example runs with.
 *
 * @param options the Warren settings every instance of the example starts from (transport, broker
 *     URI); examples set their own exchange and instance ids on top
 * @param environment the process environment, for optional settings such as {@code
 *     WARREN_STORE_URL}
 * @param out where the narration goes
 * @param timeout how long the example waits for any one expected outcome before failing
 */
public record ExampleContext(
    WarrenOptions options, Map<String, String> environment, PrintWriter out, Duration timeout) {

  /** Checks that nothing is missing. */
  public ExampleContext {
    Objects.requireNonNull(options, "options");
    environment = Map.copyOf(environment);
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Writes one line of narration.
   *
   * @param format a {@link String#format} pattern
   * @param args its arguments
   */
  public void say(String format, Object... args) {
    out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
