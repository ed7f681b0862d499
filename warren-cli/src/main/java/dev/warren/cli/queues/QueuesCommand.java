package dev.warren.cli.queues;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.QueueInfo;
import dev.warren.admin.WarrenAdmin;
import dev.warren.cli.CliContext;
import dev.warren.cli.UsageException;
import dev.warren.cli.WarrenCli;
import dev.warren.codec.JsonDataCodec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren queues list|info|declare|move|purge|delete}: queue operations on the broker,
 * through {@link WarrenAdmin}. A queue that does not exist is a runtime failure (exit code 1), an
 * invalid name bad input (exit code 2).
 */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    description = "List, inspect, declare, move, purge and delete queues.",
    subcommands = {
      QueuesCommand.ListQueues.class,
      QueuesCommand.Info.class,
      QueuesCommand.Declare.class,
      QueuesCommand.Move.class,
      QueuesCommand.Purge.class,
      QueuesCommand.Delete.class
    })
public final class QueuesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command group. */
  public QueuesCommand() {}

  @Override
  public Integer call() {
    // why: "warren queues" alone is a usage error; the usage goes where errors go
    spec.commandLine().usage(spec.commandLine().getErr());
    return WarrenCli.EXIT_USAGE;
  }

  private static WarrenAdmin admin(CommandSpec spec) {
    return CliContext.of(spec).warren().admin();
  }

  private static void print(PrintWriter out, QueueInfo q) {
    out.printf(
        "%-40s messages=%d consumers=%d durable=%s %s%n",
        q.name(), q.messages(), q.consumers(), q.durable(), q.arguments());
    out.flush();
  }

  /** {@code warren queues list}. */
  @Command(name = "list", description = "List queues.", mixinStandardHelpOptions = true)
  static final class ListQueues implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = CliContext.of(spec).out();
      admin(spec).queues().forEach(q -> print(out, q));
      return WarrenCli.EXIT_OK;
    }
  }

  /** {@code warren queues info <name>}. */
  @Command(name = "info", description = "Show one queue as JSON.", mixinStandardHelpOptions = true)
  static final class Info implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "Queue name")
    String name;

    @Override
    public Integer call() throws JsonProcessingException {
      CliContext ctx = CliContext.of(spec);
      Optional<QueueInfo> q = admin(spec).queue(name);
      if (q.isEmpty()) {
        ctx.err().println("warren: no queue named '" + name + "'");
        ctx.err().flush();
        return WarrenCli.EXIT_FAILURE;
      }
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("name", q.get().name());
      json.put("messages", q.get().messages());
      json.put("unacknowledged", q.get().unacknowledged());
      json.put("consumers", q.get().consumers());
      json.put("durable", q.get().durable());
      json.put("arguments", q.get().arguments());
      if (q.get().rates().known()) {
        json.put("rates", q.get().rates());
      }
      ctx.out().println(JsonDataCodec.MAPPER.writeValueAsString(json));
      ctx.out().flush();
      return WarrenCli.EXIT_OK;
    }
  }

  /** {@code warren queues declare <name>}. */
  @Command(
      name = "declare",
      description = "Declare a queue and bind it to the Warren exchange.",
      mixinStandardHelpOptions = true)
  static final class Declare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "Queue name")
    String name;

    @Option(names = "--binding", description = "Pattern on the Warren exchange (repeatable)")
    List<String> bindings = List.of();

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        description = "How long a message may wait, with its unit: 500ms, 30s, 5m, 1h, 7d")
    String ttl;

    @Option(names = "--max-length", description = "Most ready messages kept")
    Long maxLength;

    @Option(names = "--dead-letter", description = "Queue that receives rejected/expired messages")
    String deadLetter;

    @Option(names = "--transient", description = "Not durable")
    boolean transientQueue;

    @Override
    public Integer call() {
      QueueDefinition.Builder b =
          transientQueue ? QueueDefinition.transientQueue(name) : QueueDefinition.durable(name);
      bindings.forEach(b::binding);
      if (ttl != null) {
        // why: --ttl was a number of milliseconds; a bare number now would read as seconds, so
        // one is refused rather than silently meaning a thousand times longer
        if (ttl.strip().matches("\\d+")) {
          throw new UsageException(
              "--ttl '" + ttl + "' needs a unit: " + ttl.strip() + "ms, or 30s, 5m, 1h, 7d");
        }
        Duration d = CliContext.positiveDuration("--ttl", ttl);
        b.messageTtl(d);
      }
      if (maxLength != null) {
        b.maxLength(maxLength);
      }
      if (deadLetter != null) {
        b.deadLetterQueue(deadLetter);
      }
      // why: built before connecting, so an invalid declaration touches no broker
      QueueDefinition definition = b.build();
      print(CliContext.of(spec).out(), admin(spec).declareQueue(definition).queue());
      return WarrenCli.EXIT_OK;
    }
  }

  /** {@code warren queues move <from> <to>}. */
  @Command(
      name = "move",
      description =
          "Move every ready message of a queue to another, in order; each leaves the source only"
              + " once the target confirmed it.",
      mixinStandardHelpOptions = true)
  static final class Move implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "Queue to empty")
    String from;

    @Parameters(index = "1", description = "Queue receiving the messages (must exist)")
    String to;

    @Override
    public Integer call() {
      long moved = admin(spec).moveMessages(from, to);
      PrintWriter out = CliContext.of(spec).out();
      out.println("moved " + moved);
      out.flush();
      return WarrenCli.EXIT_OK;
    }
  }

  /** {@code warren queues purge <name>}. */
  @Command(
      name = "purge",
      description = "Remove every ready message from a queue.",
      mixinStandardHelpOptions = true)
  static final class Purge implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "Queue name")
    String name;

    @Override
    public Integer call() {
      long purged = admin(spec).purgeQueue(name);
      PrintWriter out = CliContext.of(spec).out();
      out.println("purged " + purged);
      out.flush();
      return WarrenCli.EXIT_OK;
    }
  }

  /** {@code warren queues delete <name>}. */
  @Command(
      name = "delete",
      description = "Delete a queue and its messages.",
      mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "Queue name")
    String name;

    @Override
    public Integer call() {
      boolean existed = admin(spec).deleteQueue(name);
      PrintWriter out = CliContext.of(spec).out();
      // why: deleting is idempotent, but the output must not claim a deletion that did not happen
      out.println(existed ? "deleted " + name : "no queue named '" + name + "': nothing deleted");
      out.flush();
      return WarrenCli.EXIT_OK;
    }
  }
}
