package dev.warren.cli.dlq;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warren.DeadLetter;
import dev.warren.DeadLetters;
import dev.warren.cli.CliContext;
import dev.warren.codec.CloudEventsJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren dlq list|replay|purge <subscription>}: a subscription's dead-letter queue, {@code
 * <subscription>.dlq}. An unknown subscription is bad input (exit code 2).
 */
@Command(
    name = "dlq",
    description = {
      "Inspect, replay or purge a subscription's dead-letter queue (<subscription>.dlq).",
      "Replayed events go back to that subscription only, with their attempts reset."
    },
    mixinStandardHelpOptions = true,
    subcommands = {DlqCommand.ListCommand.class, DlqCommand.Replay.class, DlqCommand.Purge.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren dlq list thumbnails",
      "  warren dlq list thumbnails --json | jq -r .errorMessage",
      "  warren dlq replay thumbnails --id 0199a1b2-… --id 0199a1b3-…",
      "  warren dlq purge thumbnails"
    })
public final class DlqCommand implements Callable<Integer> {
  private static final JsonFactory JSON = new JsonFactory();

  @Spec CommandSpec spec;

  /** Dead letters of the broker the context of the {@code warren} command configures. */
  public DlqCommand() {}

  @Override
  public Integer call() {
    // why: "warren dlq" alone is a usage error; the usage goes where errors go
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Connects, opens the subscription's dead letters and runs {@code action} on them. */
  private static <T> T withDeadLetters(
      CommandSpec caller, String subscription, Function<DeadLetters, T> action) {
    // throws InvalidInputException (exit code 2) when the subscription has no dead-letter queue
    return action.apply(CliContext.of(caller).warren().deadLetters(subscription));
  }

  /** {@code warren dlq list <subscription>}. */
  @Command(
      name = "list",
      description = {
        "List dead letters, oldest first: id, type, attempts, error.",
        "They stay in the queue."
      },
      mixinStandardHelpOptions = true)
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<subscription>", description = "Subscription name.")
    String subscription;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "Show at most N (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(
        names = "--json",
        description =
            "One JSON object per line with every field, the event as structured CloudEvent.")
    boolean json;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 100_000) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--limit " + limit + " is not between 1 and 100000");
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      withDeadLetters(
          spec,
          subscription,
          dlq -> {
            long total = dlq.count();
            List<DeadLetter> letters = dlq.peek(limit);
            for (DeadLetter d : letters) {
              out.println(json ? json(d) : text(d));
            }
            out.flush();
            if (total > letters.size()) {
              err.println(
                  "Showing "
                      + letters.size()
                      + " of "
                      + total
                      + " dead letters in "
                      + subscription
                      + ".dlq; use --limit to see more.");
              err.flush();
            }
            return letters.size();
          });
      return 0;
    }

    static String text(DeadLetter d) {
      String type = d.event() == null ? "(unreadable)" : d.event().type();
      return d.id()
          + " "
          + type
          + " "
          + d.attempts()
          + " attempt"
          + (d.attempts() == 1 ? "" : "s")
          + " "
          + oneLine(d.errorType())
          + ": "
          + oneLine(d.errorMessage());
    }

    static String json(DeadLetter d) {
      StringWriter text = new StringWriter();
      try (JsonGenerator g = JSON.createGenerator(text)) {
        g.writeStartObject();
        g.writeStringField("id", d.id());
        g.writeStringField("subscription", d.subscription());
        g.writeStringField("routingKey", d.routingKey());
        g.writeNumberField("attempts", d.attempts());
        g.writeStringField("errorType", d.errorType());
        g.writeStringField("errorMessage", d.errorMessage());
        g.writeStringField("stackTrace", d.stackTrace());
        g.writeStringField("firstFailure", time(d.firstFailure()));
        g.writeStringField("lastFailure", time(d.lastFailure()));
        g.writeNumberField("replays", d.replays());
        g.writeFieldName("event");
        if (d.event() == null) {
          g.writeNull();
        } else {
          g.writeRawValue(CloudEventsJson.write(d.event()));
        }
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return text.toString();
    }

    private static String time(Instant t) {
      return t == null ? null : t.toString();
    }

    private static String oneLine(String s) {
      return s == null ? "unknown" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
  }

  /** {@code warren dlq replay <subscription> [--id ID …]}. */
  @Command(
      name = "replay",
      description = {
        "Send dead letters back to the subscription (all, or those of --id), attempts reset.",
        "Prints how many were replayed."
      },
      mixinStandardHelpOptions = true)
  static final class Replay implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<subscription>", description = "Subscription name.")
    String subscription;

    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "Replay only this dead letter (event id); repeat for several.")
    List<String> ids;

    @Override
    public Integer call() {
      Set<String> wanted = ids == null ? null : new LinkedHashSet<>(ids);
      long replayed =
          withDeadLetters(
              spec, subscription, dlq -> wanted == null ? dlq.replay() : dlq.replay(wanted));
      PrintWriter out = spec.commandLine().getOut();
      out.println("replayed " + replayed + " dead letter(s) to " + subscription);
      out.flush();
      if (wanted != null && replayed < wanted.size()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "warren: "
                + (wanted.size() - replayed)
                + " of "
                + wanted.size()
                + " id(s) were not in "
                + subscription
                + ".dlq");
        err.flush();
        return 1;
      }
      return 0;
    }
  }

  /** {@code warren dlq purge <subscription>}. */
  @Command(
      name = "purge",
      description = {"Delete every dead letter of the subscription.", "Prints how many."},
      mixinStandardHelpOptions = true)
  static final class Purge implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<subscription>", description = "Subscription name.")
    String subscription;

    @Override
    public Integer call() {
      long purged = withDeadLetters(spec, subscription, DeadLetters::purge);
      PrintWriter out = spec.commandLine().getOut();
      out.println("purged " + purged + " dead letter(s) of " + subscription);
      out.flush();
      return 0;
    }
  }
}
