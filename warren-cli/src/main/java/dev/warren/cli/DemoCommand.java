package dev.warren.cli;

import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.examples.Example;
import dev.warren.examples.ExampleContext;
import dev.warren.examples.ExampleFailedException;
import dev.warren.examples.ExampleResult;
import dev.warren.examples.Examples;
import dev.warren.examples.TextTable;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren demo [NAME…]}: runs the seed applications of {@code warren-examples} (an LLM
 * gateway, an event hub with an audit trail, …) one after the other, each narrating what it
 * publishes, who receives it, what is retried and what the lineage looks like, then prints a
 * summary line per example.
 *
 * <p>They run on whatever the environment configures (the embedded in-memory transport, or
 * RabbitMQ), each on an exchange of its own, and delete their queues when done, so they never touch
 * an application's events and a rerun starts clean.
 */
@Command(
    name = "demo",
    description = {
      "Run the example applications (all, or the NAMEs given, in that order) and narrate who"
          + " receives what.",
      "Uses the embedded in-memory transport, or RabbitMQ when WARREN_RABBITMQ_URL is set."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren demo --list",
      "  warren demo gateway",
      "  WARREN_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 warren demo gateway event-hub"
    })
final class DemoCommand implements Callable<Integer> {
  /** How long an example waits for any one expected outcome before it fails. */
  static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The in-memory broker the examples' instances share, unless {@code WARREN_MEMORY_BROKER} names
   * one: an example runs several instances in this process, which must meet.
   */
  static final String MEMORY_BROKER = "warren-demo";

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "NAME",
      description = "Examples to run, in this order (default: all; see --list).")
  List<String> names = new ArrayList<>();

  @Option(names = "--list", description = "List the examples and exit.")
  boolean list;

  /**
   * How one example's run ended.
   *
   * @param line its summary, or what failed
   */
  private record Outcome(String example, boolean ok, String line, Duration took) {}

  @Override
  public Integer call() {
    CliContext ctx = CliContext.of(spec);
    PrintWriter out = ctx.out();
    List<Example> all = Examples.all();
    if (list) {
      TextTable table = TextTable.of("name", "what it shows");
      all.forEach(e -> table.row(e.name(), e.title()));
      table.lines().forEach(out::println);
      out.flush();
      return WarrenCli.EXIT_OK;
    }
    List<Example> chosen = names.isEmpty() ? all : chosen(all);
    if (chosen.isEmpty()) {
      throw new WarrenException("no examples on the class path: is warren-examples missing?");
    }
    WarrenOptions options = ctx.options();
    if (options.memoryBroker() == null) {
      options = options.toBuilder().memoryBroker(MEMORY_BROKER).build();
    }
    ExampleContext context = new ExampleContext(options, ctx.environment(), out, OUTCOME_TIMEOUT);
    List<Outcome> outcomes = new ArrayList<>();
    for (Example example : chosen) {
      outcomes.add(run(example, context, out));
    }
    summarise(outcomes, out);
    List<String> failed = outcomes.stream().filter(o -> !o.ok()).map(Outcome::example).toList();
    if (!failed.isEmpty()) {
      PrintWriter err = ctx.err();
      err.println(
          "warren: demo: "
              + failed.size()
              + " of "
              + outcomes.size()
              + " examples failed: "
              + String.join(", ", failed));
      err.flush();
      return WarrenCli.EXIT_FAILURE;
    }
    return WarrenCli.EXIT_OK;
  }

  /** Looks every name up before anything runs, so a typo runs nothing. */
  private List<Example> chosen(List<Example> all) {
    List<Example> chosen = new ArrayList<>();
    for (String name : names) {
      chosen.add(
          all.stream()
              .filter(e -> e.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UsageException(
                          "unknown example '"
                              + name
                              + "': choose from "
                              + all.stream().map(Example::name).collect(Collectors.joining(", "))
                              + " (see 'warren demo --list')")));
    }
    return chosen;
  }

  /**
   * Runs one example. A failed expectation is reported and the next example still runs; an example
   * that cannot run at all (no broker) stops the demo with the usual one-line error.
   */
  private static Outcome run(Example example, ExampleContext context, PrintWriter out) {
    out.println("== " + example.name() + ": " + example.title());
    out.println();
    out.flush();
    long start = System.nanoTime();
    try {
      ExampleResult result = example.run(context);
      out.println();
      out.flush();
      return new Outcome(example.name(), true, result.summary(), since(start));
    } catch (ExampleFailedException e) {
      out.println("FAILED: " + WarrenCli.oneLine(e.getMessage()));
      out.println();
      out.flush();
      return new Outcome(example.name(), false, WarrenCli.oneLine(e.getMessage()), since(start));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new WarrenException(
          "example " + example.name() + " could not run: " + WarrenCli.oneLine(e.toString()), e);
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static void summarise(List<Outcome> outcomes, PrintWriter out) {
    out.println("Summary");
    TextTable table = TextTable.of("example", "result", "time", "what happened");
    for (Outcome o : outcomes) {
      table.row(
          o.example(),
          o.ok() ? "ok" : "FAILED",
          String.format(Locale.ROOT, "%.1f s", o.took().toMillis() / 1000.0),
          o.line());
    }
    table.lines().forEach(line -> out.println("  " + line));
    out.flush();
  }
}
