package dev.warren.server;

import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.codec.JsonDataCodec;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import dev.warren.transport.Transport;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warren queues list|info|declare|purge|delete}: queue operations on the broker. */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    description = "List, inspect, declare, purge and delete queues.",
    subcommands = {
      QueuesCommand.ListQueues.class,
      QueuesCommand.Info.class,
      QueuesCommand.Declare.class,
      QueuesCommand.Purge.class,
      QueuesCommand.Delete.class
    })
public final class QueuesCommand {
  /** Creates the command group. */
  public QueuesCommand() {}

  private static int withTransport(TransportAction action) throws Exception {
    try (Warren warren = Warren.create(WarrenOptions.fromEnvironment())) {
      WarrenEngine engine = (WarrenEngine) warren;
      return action.run(engine.transport(), engine);
    }
  }

  @FunctionalInterface
  private interface TransportAction {
    int run(Transport transport, WarrenEngine engine) throws Exception;
  }

  private static void print(QueueInfo q) {
    System.out.printf(
        "%-40s messages=%d consumers=%d durable=%s %s%n",
        q.name(), q.messages(), q.consumers(), q.durable(), q.arguments());
  }

  @Command(name = "list", description = "List queues.")
  static final class ListQueues implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return withTransport(
          (t, e) -> {
            t.listQueues().forEach(QueuesCommand::print);
            return 0;
          });
    }
  }

  @Command(name = "info", description = "Show one queue as JSON.")
  static final class Info implements Callable<Integer> {
    @Parameters(index = "0", description = "Queue name")
    String name;

    @Override
    public Integer call() throws Exception {
      return withTransport(
          (t, e) -> {
            var q = t.queueInfo(name);
            if (q.isEmpty()) {
              System.err.println("no queue named '" + name + "'");
              return 1;
            }
            System.out.println(JsonDataCodec.MAPPER.writeValueAsString(q.get()));
            return 0;
          });
    }
  }

  @Command(name = "declare", description = "Declare a queue and bind it to the Warren exchange.")
  static final class Declare implements Callable<Integer> {
    @Parameters(index = "0", description = "Queue name")
    String name;

    @Option(names = "--binding", description = "Pattern on the Warren exchange (repeatable)")
    List<String> bindings = List.of();

    @Option(names = "--ttl", description = "Message time-to-live in milliseconds")
    Long ttl;

    @Option(names = "--max-length", description = "Most ready messages kept")
    Long maxLength;

    @Option(names = "--dead-letter", description = "Queue that receives rejected/expired messages")
    String deadLetter;

    @Option(names = "--transient", description = "Not durable")
    boolean transientQueue;

    @Override
    public Integer call() throws Exception {
      bindings.forEach(dev.warren.Topics::requireValidPattern);
      QueueSpec spec = QueueSpec.durable(name).withDurable(!transientQueue);
      if (ttl != null) {
        spec = spec.withArgument(QueueSpec.MESSAGE_TTL, ttl);
      }
      if (maxLength != null) {
        spec = spec.withArgument(QueueSpec.MAX_LENGTH, maxLength);
      }
      if (deadLetter != null) {
        spec =
            spec.withArgument(QueueSpec.DEAD_LETTER_EXCHANGE, "")
                .withArgument(QueueSpec.DEAD_LETTER_ROUTING_KEY, deadLetter);
      }
      QueueSpec declared = spec;
      return withTransport(
          (t, e) -> {
            t.declareQueue(declared);
            for (String b : bindings) {
              t.bind(name, e.options().exchange(), b);
            }
            print(t.queueInfo(name).orElseThrow());
            return 0;
          });
    }
  }

  @Command(name = "purge", description = "Remove every ready message from a queue.")
  static final class Purge implements Callable<Integer> {
    @Parameters(index = "0", description = "Queue name")
    String name;

    @Override
    public Integer call() throws Exception {
      return withTransport(
          (t, e) -> {
            System.out.println("purged " + t.purgeQueue(name));
            return 0;
          });
    }
  }

  @Command(name = "delete", description = "Delete a queue and its messages.")
  static final class Delete implements Callable<Integer> {
    @Parameters(index = "0", description = "Queue name")
    String name;

    @Override
    public Integer call() throws Exception {
      return withTransport(
          (t, e) -> {
            t.deleteQueue(name);
            System.out.println("deleted " + name);
            return 0;
          });
    }
  }
}
