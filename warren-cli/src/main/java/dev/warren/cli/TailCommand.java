package dev.warren.cli;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.codec.CloudEventsJson;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warren tail <pattern>}: prints matching events as CloudEvents JSON, one per line, until
 * interrupted or {@code --count} events were printed.
 *
 * <p>Without {@code --subscription} it is a broadcast subscription of its own, so it sees every
 * matching event and takes none from anyone. With a name it joins that competing subscription and
 * takes its share of the events, like any worker.
 */
@Command(
    name = "tail",
    description = {
      "Print events matching a pattern as CloudEvents JSON, one per line, until Ctrl-C.",
      "* matches one word, # zero or more: virtual-key.*, image.#, #."
    },
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {
      "  warren tail 'virtual-key.*'",
      "  warren tail '#' --count 1 | jq .data",
      "  warren tail image.requested --subscription image-generation",
      "      (joins the image-generation workers and takes a share of their events)"
    })
final class TailCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<pattern>", description = "Topic pattern to receive.")
  String pattern;

  @Option(
      names = "--subscription",
      paramLabel = "NAME",
      description =
          "Join the competing subscription NAME instead of a private broadcast one: events are"
              + " shared with its other consumers.")
  String name;

  @Option(
      names = {"-n", "--count"},
      paramLabel = "N",
      description = "Stop after N events.")
  Integer count;

  @Override
  public Integer call() {
    Subscription subscription =
        name == null
            ? Subscription.named("tail-" + randomSuffix()).pattern(pattern).broadcast()
            : Subscription.named(name).pattern(pattern).prefetch(1);
    if (count != null && count < 1) {
      throw new UsageException("--count " + count + " must be at least 1");
    }
    CliContext ctx = CliContext.of(spec);
    PrintWriter out = ctx.out();
    PrintWriter err = ctx.err();
    boolean interrupted = false;
    WarrenOptions options = ctx.options();
    Warren warren = ctx.warren();
    Printer printer = new Printer(out, count, subscription.mode());
    SubscriptionHandle handle = warren.subscribe(subscription, printer::handle);
    printer.handle = handle;
    err.println(
        "Tailing '"
            + pattern
            + "' ("
            + subscription.mode().name().toLowerCase(Locale.ROOT)
            + " subscription "
            + subscription.name()
            + ")"
            + (count == null ? "; Ctrl-C to stop." : " for " + count + " event(s)."));
    if (options.effectiveTransport() == WarrenOptions.TransportKind.MEMORY) {
      // why: a tail that silently never prints anything is the worst way to learn this
      err.println(
          "Note: the in-memory transport is private to this process; set WARREN_RABBITMQ_URL"
              + " to see events published elsewhere.");
    }
    err.flush();
    // why: on Ctrl-C the JVM runs this hook; closing lets an in-flight event finish or go back
    Thread onInterrupt = new Thread(() -> stop(printer, handle, warren), "warren-tail-stop");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    try {
      printer.awaitEnd();
    } catch (InterruptedException e) {
      // why: the interrupt status is restored only after closing, which must not be cut short
      interrupted = true;
    } finally {
      printer.stop();
      handle.close();
      removeHook(onInterrupt);
    }
    // why: closed here, before the interrupt status is restored, so closing is not cut short
    warren.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
      return WarrenCli.EXIT_INTERRUPTED;
    }
    return WarrenCli.EXIT_OK;
  }

  private static void stop(Printer printer, SubscriptionHandle handle, Warren warren) {
    printer.stop();
    handle.close();
    warren.close();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or ran; nothing to undo
    }
  }

  private static String randomSuffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** Prints events until the count is reached; hands back any it does not print. */
  private static final class Printer {
    private final PrintWriter out;
    private final Integer limit;
    private final Subscription.Mode mode;
    private final CountDownLatch end = new CountDownLatch(1);
    private int printed;
    private volatile boolean stopped;
    volatile SubscriptionHandle handle;

    Printer(PrintWriter out, Integer limit, Subscription.Mode mode) {
      this.out = out;
      this.limit = limit;
      this.mode = mode;
    }

    void handle(Event event) throws InterruptedException {
      if (print(event)) {
        return;
      }
      if (mode == Subscription.Mode.BROADCAST) {
        // why: the queue is this process's own and is deleted on close; nobody else wants it
        return;
      }
      // why: an event of a shared queue that was not printed must not be acknowledged, or another
      // consumer of the subscription would never see it. The engine requeues an event whose
      // handler is interrupted while the subscription closes, so wait for the close to begin.
      while (!stopped || isActive()) {
        Thread.sleep(5);
      }
      throw new InterruptedException("tail stopped before printing event " + event.id());
    }

    private synchronized boolean print(Event event) {
      if (stopped || (limit != null && printed >= limit)) {
        return false;
      }
      out.println(CloudEventsJson.write(event));
      out.flush();
      if (out.checkError()) {
        // why: the reader went away (e.g. "| head -1"); stop like other Unix tools do
        stop();
        return false;
      }
      printed++;
      if (limit != null && printed >= limit) {
        stop();
      }
      return true;
    }

    private boolean isActive() {
      SubscriptionHandle h = handle;
      return h == null || h.isActive();
    }

    void stop() {
      stopped = true;
      end.countDown();
    }

    void awaitEnd() throws InterruptedException {
      end.await();
    }
  }
}
