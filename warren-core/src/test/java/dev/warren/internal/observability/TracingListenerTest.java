package dev.warren.internal.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.internal.engine.WarrenEngine;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Publishing and handling produce OpenTelemetry spans that share one trace across hops. */
@Timeout(60)
class TracingListenerTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private Warren warren;
  private String exchange;

  @BeforeEach
  void installSdk() {
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
    exchange = "x" + UUID.randomUUID().toString().substring(0, 8);
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            .exchange(exchange)
            .build();
    warren = WarrenEngine.start(options, new InMemoryTransport(new InMemoryBroker()));
  }

  @AfterEach
  void uninstall() {
    warren.close();
    sdk.close();
    GlobalOpenTelemetry.resetForTest();
  }

  private List<SpanData> finished(String kindAndName) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> (s.getKind() + " " + s.getName()).equals(kindAndName))
        .toList();
  }

  @Test
  void aPublishAndItsHandlingShareOneTraceAcrossTwoHops() {
    warren.subscribe(
        Subscription.named("orders").pattern("order.placed"),
        e -> warren.publish("payment.requested", "{}").join());
    warren.subscribe(
        Subscription.named("payments").pattern("payment.requested"),
        e -> {
          throw new dev.warren.NonRetryableException("card declined");
        });

    String id = warren.publish("order.placed", "{}").join().id();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> finished("CONSUMER process payments").size() == 1);
    SpanData publish =
        finished("PRODUCER publish " + exchange).stream()
            .filter(s -> id.equals(s.getAttributes().get(TracingListener.MESSAGE_ID)))
            .findFirst()
            .orElseThrow();
    SpanData handle = finished("CONSUMER process orders").get(0);
    SpanData publishChild =
        finished("PRODUCER publish " + exchange).stream()
            .filter(s -> !s.equals(publish))
            .findFirst()
            .orElseThrow();
    SpanData handleChild = finished("CONSUMER process payments").get(0);

    assertThat(List.of(handle, publishChild, handleChild))
        .extracting(SpanData::getTraceId)
        .containsOnly(publish.getTraceId());
    assertThat(handle.getParentSpanId()).isEqualTo(publish.getSpanId());
    assertThat(publishChild.getParentSpanId()).isEqualTo(handle.getSpanId());
    assertThat(handleChild.getParentSpanId()).isEqualTo(publishChild.getSpanId());

    assertThat(publish.getAttributes().get(TracingListener.SYSTEM)).isEqualTo("rabbitmq");
    assertThat(publish.getAttributes().get(TracingListener.DESTINATION)).isEqualTo(exchange);
    assertThat(publish.getAttributes().get(TracingListener.OPERATION)).isEqualTo("publish");
    assertThat(publish.getAttributes().get(TracingListener.ROUTING_KEY)).isEqualTo("order.placed");
    assertThat(handle.getAttributes().get(TracingListener.OPERATION)).isEqualTo("process");
    assertThat(handle.getAttributes().get(TracingListener.MESSAGE_ID)).isEqualTo(id);
    assertThat(handle.getAttributes().get(TracingListener.SUBSCRIPTION)).isEqualTo("orders");
    assertThat(handle.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(handleChild.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(handleChild.getEvents()).extracting(e -> e.getName()).contains("exception");
    assertThat(handleChild.getKind()).isEqualTo(SpanKind.CONSUMER);
  }
}
