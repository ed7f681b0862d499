package dev.warren.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.testkit.TestBroker;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The W3C trace context survives a real broker: publish and handling share one trace. */
@Timeout(60)
class RabbitMqTracingTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private Warren warren;

  @BeforeEach
  void start() {
    GlobalOpenTelemetry.resetForTest();
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    GlobalOpenTelemetry.set(sdk);
    var options = broker.options().connectTimeout(Duration.ofSeconds(10)).build();
    warren = WarrenEngine.start(options, RabbitMqTransport.connect(options));
  }

  @AfterEach
  void stop() {
    warren.close();
    sdk.close();
    GlobalOpenTelemetry.resetForTest();
  }

  private List<SpanData> of(SpanKind kind) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
  }

  @Test
  void aChainOfTwoHopsIsOneTrace() {
    warren.subscribe(
        Subscription.named("first").pattern("hop.one"),
        e -> warren.publish("hop.two", "{}").join());
    warren.subscribe(Subscription.named("second").pattern("hop.two"), e -> {});

    warren.publish("hop.one", "{}").join();

    await().atMost(Duration.ofSeconds(20)).until(() -> of(SpanKind.CONSUMER).size() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> of(SpanKind.PRODUCER).size() == 2);
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).extracting(SpanData::getTraceId).containsOnly(all.get(0).getTraceId());
    for (SpanData consumer : of(SpanKind.CONSUMER)) {
      String id = consumer.getAttributes().get(AttributeKey.stringKey("messaging.message.id"));
      SpanData producer =
          of(SpanKind.PRODUCER).stream()
              .filter(
                  p ->
                      id.equals(
                          p.getAttributes().get(AttributeKey.stringKey("messaging.message.id"))))
              .findFirst()
              .orElseThrow();
      assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
      assertThat(consumer.getAttributes().get(AttributeKey.stringKey("messaging.system")))
          .isEqualTo("rabbitmq");
    }
  }
}
