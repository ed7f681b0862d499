package dev.warren.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.warren.Event;
import dev.warren.EventType;
import dev.warren.Warren;
import dev.warren.testkit.TestBroker;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Spring Boot's own tracing (Micrometer Tracing on Brave, W3C propagation), an observed piece
 * of application code, the event it publishes, the listener that handles it and the reply that
 * listener publishes, and its handling, are one trace, each span the child of the one before.
 */
class TraceLinkingTest {
  /** The spans Brave finished, as Spring's tracing would report them. */
  private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ObservationAutoConfiguration.class,
                  BraveAutoConfiguration.class,
                  MicrometerTracingAutoConfiguration.class,
                  WarrenAutoConfiguration.class))
          .withPropertyValues(
              "warren.transport=memory", "management.tracing.sampling.probability=1.0")
          .withBean(
              SpanHandler.class,
              () ->
                  new SpanHandler() {
                    @Override
                    public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                      spans.add(span);
                      return true;
                    }
                  })
          .withUserConfiguration(Chain.class);

  @EventType("trace.ordered")
  record Ordered(String id) {}

  @EventType("trace.confirmed")
  record Confirmed(String id) {}

  @Configuration(proxyBeanMethods = false)
  static class Chain {
    @Bean
    Listeners traceListeners() {
      return new Listeners();
    }
  }

  static class Listeners {
    @WarrenListener(subscription = "trace-orders", pattern = "trace.ordered")
    Confirmed confirm(Ordered ordered) {
      return new Confirmed(ordered.id());
    }

    @WarrenListener(subscription = "trace-audit", pattern = "trace.confirmed")
    void audit(Confirmed confirmed) {}
  }

  private MutableSpan span(String name) {
    return spans.stream()
        .filter(s -> name.equals(s.name()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no span named '"
                        + name
                        + "'; spans: "
                        + spans.stream().map(MutableSpan::name).toList()));
  }

  @Test
  void publishAndHandleAcrossTwoHopsAreOneTrace() {
    assertOneTrace(runner);
  }

  @Test
  void theTraceContextTravelsThroughRabbitMq() {
    try (TestBroker broker = TestBroker.create()) {
      assertOneTrace(
          runner.withPropertyValues(
              "warren.transport=rabbitmq", "warren.rabbitmq.url=" + broker.uri()));
    }
  }

  private void assertOneTrace(ApplicationContextRunner runner) {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          Warren warren = context.getBean(Warren.class);
          ObservationRegistry registry = context.getBean(ObservationRegistry.class);

          Observation.createNotStarted("checkout", registry)
              .observe(() -> warren.publish(new Ordered("o-7")).join());

          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> spans.stream().anyMatch(s -> "trace-audit process".equals(s.name())));
          MutableSpan checkout = span("checkout");
          MutableSpan published = span("trace.ordered send");
          MutableSpan handled = span("trace-orders process");
          MutableSpan replied = span("trace.confirmed send");
          MutableSpan audited = span("trace-audit process");

          assertThat(List.of(published, handled, replied, audited))
              .extracting(MutableSpan::traceId)
              .containsOnly(checkout.traceId());
          assertThat(published.parentId()).isEqualTo(checkout.id());
          assertThat(handled.parentId()).isEqualTo(published.id());
          assertThat(replied.parentId()).isEqualTo(handled.id());
          assertThat(audited.parentId()).isEqualTo(replied.id());
          assertThat(published.kind()).isEqualTo(brave.Span.Kind.PRODUCER);
          assertThat(handled.kind()).isEqualTo(brave.Span.Kind.CONSUMER);
          assertThat(handled.tag("warren.subscription")).isEqualTo("trace-orders");
        });
  }

  @Test
  void aFailingHandlerMarksItsSpanWithTheError() {
    runner
        .withBean("failing", Failing.class, Failing::new)
        .run(
            context -> {
              context.getBean(Warren.class).publish("trace.failing", "{}").join();
              await()
                  .atMost(Duration.ofSeconds(20))
                  .until(
                      () -> spans.stream().anyMatch(s -> "trace-failing process".equals(s.name())));
              MutableSpan failed = span("trace-failing process");
              assertThat(failed.error()).hasMessage("card declined");
              assertThat(failed.parentId()).isEqualTo(span("trace.failing send").id());
            });
  }

  static class Failing {
    @WarrenListener(subscription = "trace-failing", pattern = "trace.failing", retry = false)
    void fail(Event event) {
      throw new IllegalStateException("card declined");
    }
  }
}
