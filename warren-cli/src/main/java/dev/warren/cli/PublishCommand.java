package dev.warren.cli;

import dev.warren.Event;
import dev.warren.InvalidInputException;
import dev.warren.Topics;
import dev.warren.Warren;
import dev.warren.codec.CloudEventsJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren publish <type>}: publishes an event with JSON data and prints its id once the
 * broker confirmed it. Everything is checked before connecting, so bad input publishes nothing.
 */
@Command(
    name = "publish",
    description = {
      "Publish an event and print its id once the broker confirmed it.",
      "The data is JSON, from --data, --data-file or standard input (-); without any, the event"
          + " carries no data."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren publish virtual-key.updated --data '{\"keyId\":42}' --subject 42",
      "  echo '{\"keyId\":42}' | warren publish virtual-key.updated -",
      "  warren publish load.test --data '{}' --count 1000"
    })
final class PublishCommand implements Callable<Integer> {
  private static final int MAX_COUNT = 1_000_000;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "<type>",
      description = "Event type, which is also the routing key, e.g. virtual-key.updated.")
  String type;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "-",
      description = "Read the data from standard input.")
  String stdinMarker;

  @Option(names = "--data", paramLabel = "JSON", description = "The data, as JSON text.")
  String data;

  @Option(
      names = "--data-file",
      paramLabel = "FILE",
      description = "Read the data (JSON) from FILE; - for standard input.")
  String dataFile;

  @Option(
      names = "--source",
      paramLabel = "URI",
      description = "CloudEvents source (default: WARREN_SOURCE).")
  String source;

  @Option(
      names = "--subject",
      paramLabel = "SUBJECT",
      description = "Subject of the event within its source.")
  String subject;

  @Option(names = "--correlation-id", paramLabel = "ID", description = "Correlation id.")
  String correlationId;

  @Option(
      names = "--causation-id",
      paramLabel = "ID",
      description = "Id(s) of the event(s) that caused this one, comma-separated.")
  String causationId;

  @Option(
      names = "--partition-key",
      paramLabel = "KEY",
      description = "Key whose events ordered subscriptions handle in order.")
  String partitionKey;

  @Option(
      names = {"-n", "--count"},
      paramLabel = "N",
      defaultValue = "1",
      description = "Publish N copies, each with its own id (default: ${DEFAULT-VALUE}).")
  int count;

  @Override
  public Integer call() {
    Topics.requireValidType(type);
    if (count < 1 || count > MAX_COUNT) {
      throw new UsageException("--count " + count + " is not between 1 and " + MAX_COUNT);
    }
    CliContext ctx = CliContext.of(spec);
    byte[] body = readData(ctx);
    if (body != null) {
      try {
        CloudEventsJson.parse(body);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(dataOrigin() + " is " + e.getMessage(), e.getCause());
      }
    }
    // why: building the first event checks every attribute before anything is sent
    Event first = event(body);
    PrintWriter out = ctx.out();
    Warren warren = ctx.warren();
    List<CompletableFuture<Event>> confirms = new ArrayList<>(count);
    confirms.add(warren.publish(first));
    for (int i = 1; i < count; i++) {
      confirms.add(warren.publish(event(body)));
    }
    // why: print in publication order, each id only after its confirm, so every printed id is an
    // event the broker holds even when a later one fails
    for (CompletableFuture<Event> confirm : confirms) {
      out.println(confirm.join().id());
    }
    out.flush();
    return WarrenCli.EXIT_OK;
  }

  private Event event(byte[] body) {
    Event.Builder b =
        Event.builder(type)
            .source(source)
            .subject(subject)
            .correlationId(correlationId)
            .causationId(causationId)
            .partitionKey(partitionKey);
    if (body != null) {
      b.data(body, Event.JSON);
    }
    return b.build();
  }

  private byte[] readData(CliContext ctx) {
    boolean fromStdin = "-".equals(dataFile) || stdinMarker != null;
    if (stdinMarker != null && !stdinMarker.equals("-")) {
      throw new UsageException(
          "unexpected argument '" + stdinMarker + "': give the data with --data, --data-file or -");
    }
    int given = (data != null ? 1 : 0) + (dataFile != null ? 1 : 0) + (stdinMarker != null ? 1 : 0);
    if (given > 1) {
      throw new UsageException("give the data one way only: --data, --data-file or -");
    }
    if (data != null) {
      return data.getBytes(StandardCharsets.UTF_8);
    }
    if (fromStdin) {
      try {
        return ctx.stdin().readAllBytes();
      } catch (IOException e) {
        throw new UsageException("cannot read the data from standard input: " + e.getMessage(), e);
      }
    }
    if (dataFile != null) {
      try {
        return Files.readAllBytes(Path.of(dataFile));
      } catch (NoSuchFileException e) {
        throw new UsageException("data file '" + dataFile + "' does not exist", e);
      } catch (IOException e) {
        throw new UsageException("cannot read data file '" + dataFile + "': " + e, e);
      }
    }
    return null;
  }

  private String dataOrigin() {
    if (data != null) {
      return "--data";
    }
    if (dataFile != null && !dataFile.equals("-")) {
      return "data file '" + dataFile + "'";
    }
    return "the data on standard input";
  }
}
