package dev.warren.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The part of a server's start-up that needs no {@link dev.warren.Warren} instance, done on a
 * daemon thread of its own so that it overlaps the caller's work instead of following it: {@code
 * warren server} begins it before reading its options and creating Warren, {@link
 * WarrenServer#start} before its routes and Javalin. On 2 CPUs that takes it off the path to ready
 * (docs/server-startup.md).
 *
 * <p>An embedding application or a launcher begins it as early as it can and hands it to {@link
 * WarrenServer#start(ServerOptions, dev.warren.Warren, ServerWarmup)}; the server closes it when it
 * stops. A warm-up that is never handed to a server costs a daemon thread's work and nothing else.
 *
 * <p>The work, in the order the server needs it: the Prometheus registry (the server's constructor
 * waits for it); the JDK's list of available locales, which Jetty's {@code MimeTypes} asks for in
 * its static initializer (tens of milliseconds of locale data, the largest single step of starting
 * Jetty); the JVM and system meter binders (the first use of the registry from a request, {@link
 * #metrics()}, waits for them, so no two threads initialise Micrometer's classes at once).
 */
public final class ServerWarmup {
  private final CompletableFuture<PrometheusMeterRegistry> registry = new CompletableFuture<>();
  private final CompletableFuture<JvmGcMetrics> bound = new CompletableFuture<>();

  private ServerWarmup() {}

  /**
   * Begins the warm-up on a daemon thread of its own.
   *
   * @return the warm-up, already running
   */
  public static ServerWarmup begin() {
    ServerWarmup warmup = new ServerWarmup();
    Thread.ofPlatform().daemon().name("warren-server-warmup").start(warmup::run);
    return warmup;
  }

  private void run() {
    try {
      PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry.complete(r);
      Locale.getAvailableLocales();
      new JvmMemoryMetrics().bindTo(r);
      new JvmThreadMetrics().bindTo(r);
      new ProcessorMetrics().bindTo(r);
      new UptimeMetrics().bindTo(r);
      JvmGcMetrics gc = new JvmGcMetrics();
      gc.bindTo(r);
      bound.complete(gc);
    } catch (Throwable t) {
      registry.completeExceptionally(t);
      bound.completeExceptionally(t);
    }
  }

  /**
   * @return the registry, which may still be getting its JVM meters; waits until it exists
   */
  PrometheusMeterRegistry registry() {
    return join(registry);
  }

  /**
   * @return the registry with its JVM and system meters bound; waits until they are
   */
  PrometheusMeterRegistry metrics() {
    join(bound);
    return join(registry);
  }

  /** Stops the JVM meters that hold resources (the GC listener) and closes the registry. */
  void close() {
    join(bound).close();
    join(registry).close();
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
