package dev.warren.cli.trace;

import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.cli.CliContext;
import dev.warren.lineage.EventRecord;
import dev.warren.lineage.Lineage;
import dev.warren.lineage.LineageTree;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren trace <event-id>}: reads the lineage store of {@code WARREN_STORE_URL} through an
 * instance that needs no broker ({@link CliContext#storeReader(boolean)}) and draws the event's
 * family as a tree, with every subscription's outcome.
 */
@Command(
    name = "trace",
    description = {
      "Show an event's lineage: what caused it, what it caused, and what each subscription did.",
      "Reads the lineage store of WARREN_STORE_URL (PostgreSQL or Redis; memory: is per process)."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren trace 0197f3c2-8a1e-7c4b-9d2a-5e6f7a8b9c0d",
      "  warren trace --correlation 0197f3c2-8a1e-7c4b-9d2a-5e6f7a8b9c0d",
      "  WARREN_STORE_URL=redis://127.0.0.1:6379 warren trace --steps <id>"
    })
public final class TraceCommand implements Callable<Integer> {
  /** Exit code when nothing is recorded under the id. */
  static final int EXIT_NOT_FOUND = 1;

  /** Exit code when the store cannot be reached. */
  static final int EXIT_UNAVAILABLE = 3;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "<id>",
      description = "An event id; with --correlation, a correlation id.")
  String id;

  @Option(
      names = "--correlation",
      description = "List every event of the correlation <id> in time order instead of a tree.")
  boolean correlation;

  @Option(names = "--steps", description = "Show every step of each delivery, with its time.")
  boolean steps;

  @Override
  public Integer call() {
    CliContext ctx = CliContext.of(spec);
    PrintWriter out = ctx.out();
    PrintWriter err = ctx.err();
    WarrenOptions options = ctx.options();
    TraceRenderer renderer = new TraceRenderer(steps);
    try {
      Lineage lineage = ctx.storeReader(true).lineage();
      if (correlation) {
        List<EventRecord> events = lineage.correlation(id);
        if (events.isEmpty()) {
          return notFound(err, "correlation", options);
        }
        out.print(renderer.correlation(id, events));
      } else {
        Optional<LineageTree> tree = lineage.tree(id);
        if (tree.isEmpty()) {
          return notFound(err, "event", options);
        }
        out.print(renderer.tree(tree.get()));
      }
      out.flush();
      return 0;
    } catch (WarrenException e) {
      err.println("warren trace: " + e.getMessage());
      err.flush();
      return EXIT_UNAVAILABLE;
    }
  }

  private int notFound(PrintWriter err, String what, WarrenOptions options) {
    err.println(
        "No lineage recorded for " + what + " " + id + " in " + options.storeUrlForDisplay());
    if (options.storeUrl().startsWith("memory:")) {
      // why: an empty answer from a fresh process's memory store says nothing about the system
      err.println(
          "The memory: store lives inside each process; set WARREN_STORE_URL to the PostgreSQL"
              + " or Redis store your services record to.");
    }
    err.flush();
    return EXIT_NOT_FOUND;
  }
}
