package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.WarrenOptions.TransportKind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarrenOptionsTest {
  @Test
  void autoPicksMemoryWithoutABroker() {
    WarrenOptions o = WarrenOptions.fromEnvironment(Map.of());
    assertThat(o.transport()).isEqualTo(TransportKind.AUTO);
    assertThat(o.effectiveTransport()).isEqualTo(TransportKind.MEMORY);
    assertThat(o.exchange()).isEqualTo("warren.events");
  }

  @Test
  void taskConcurrencyIsEightByDefaultReadFromTheEnvironmentAndBounded() {
    assertThat(WarrenOptions.builder().build().taskConcurrency()).isEqualTo(8);
    assertThat(
            WarrenOptions.fromEnvironment(Map.of("WARREN_TASK_CONCURRENCY", "32"))
                .taskConcurrency())
        .isEqualTo(32);
    assertThat(
            WarrenOptions.builder().taskConcurrency(1).build().toBuilder()
                .build()
                .taskConcurrency())
        .isEqualTo(1);
    assertThatThrownBy(() -> WarrenOptions.builder().taskConcurrency(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("task concurrency 0");
    assertThatThrownBy(() -> WarrenOptions.builder().taskConcurrency(1025))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("1025");
  }

  @Test
  void taskPrefetchIsFourTimesTheConcurrencyUnlessSetAndNeverBelowIt() {
    assertThat(WarrenOptions.builder().build().taskPrefetch()).isEqualTo(32);
    assertThat(WarrenOptions.builder().taskConcurrency(3).build().taskPrefetch()).isEqualTo(12);
    assertThat(WarrenOptions.builder().taskConcurrency(1024).build().taskPrefetch())
        .isEqualTo(4096);
    assertThat(
            WarrenOptions.builder().taskConcurrency(2).taskPrefetch(2).build().toBuilder()
                .build()
                .taskPrefetch())
        .isEqualTo(2);
    assertThat(
            WarrenOptions.fromEnvironment(
                    Map.of("WARREN_TASK_CONCURRENCY", "4", "WARREN_TASK_PREFETCH", "100"))
                .taskPrefetch())
        .isEqualTo(100);
    assertThatThrownBy(() -> WarrenOptions.builder().taskConcurrency(8).taskPrefetch(4).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("task prefetch 4 is below the task concurrency 8");
    assertThatThrownBy(() -> WarrenOptions.builder().taskPrefetch(0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("task prefetch 0");
    assertThatThrownBy(() -> WarrenOptions.fromEnvironment(Map.of("WARREN_TASK_PREFETCH", "x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_TASK_PREFETCH");
  }

  @Test
  void taskEventsAreOffByDefaultAndSwitchedOnByTheEnvironment() {
    assertThat(WarrenOptions.builder().build().taskEvents()).isFalse();
    assertThat(WarrenOptions.fromEnvironment(Map.of("WARREN_TASK_EVENTS", "on")).taskEvents())
        .isTrue();
    assertThat(WarrenOptions.builder().taskEvents(true).build().toBuilder().build().taskEvents())
        .isTrue();
    assertThatThrownBy(() -> WarrenOptions.fromEnvironment(Map.of("WARREN_TASK_EVENTS", "maybe")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_TASK_EVENTS");
  }

  @Test
  void autoPicksRabbitMqWhenAUrlOrHostIsSet() {
    assertThat(
            WarrenOptions.fromEnvironment(Map.of("WARREN_RABBITMQ_URL", "amqp://u:p@h:5673/v"))
                .effectiveTransport())
        .isEqualTo(TransportKind.RABBITMQ);
    WarrenOptions o =
        WarrenOptions.fromEnvironment(
            Map.of(
                "WARREN_RABBITMQ_HOST", "rabbit",
                "WARREN_RABBITMQ_USERNAME", "conduit",
                "WARREN_RABBITMQ_PASSWORD", "p@ss word",
                "WARREN_RABBITMQ_VHOST", "/"));
    assertThat(o.effectiveTransport()).isEqualTo(TransportKind.RABBITMQ);
    assertThat(o.rabbitmqUri()).isEqualTo("amqp://conduit:p%40ss%20word@rabbit:5672/%2F");
    assertThat(o.rabbitmqUriForDisplay()).isEqualTo("amqp://conduit:***@rabbit:5672/%2F");
  }

  @Test
  void readsEverySetting() {
    WarrenOptions o =
        WarrenOptions.fromEnvironment(
            Map.of(
                "WARREN_TRANSPORT", "memory",
                "WARREN_RABBITMQ_PREFETCH", "7",
                "WARREN_EXCHANGE", "conduit-events",
                "WARREN_SOURCE", "/admin",
                "WARREN_PUBLISH_TIMEOUT", "500ms",
                "WARREN_CONNECT_TIMEOUT", "2m",
                "WARREN_CONFIRM_WINDOW", "64",
                "WARREN_SHUTDOWN_TIMEOUT", "PT3S"));
    assertThat(o.effectiveTransport()).isEqualTo(TransportKind.MEMORY);
    assertThat(o.prefetch()).isEqualTo(7);
    assertThat(o.exchange()).isEqualTo("conduit-events");
    assertThat(o.source()).isEqualTo("/admin");
    assertThat(o.publishTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.confirmWindow()).isEqualTo(64);
    assertThat(o.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void namesTheBadVariable() {
    assertThatThrownBy(() -> WarrenOptions.fromEnvironment(Map.of("WARREN_TRANSPORT", "kafka")))
        .isInstanceOf(WarrenException.class)
        .hasMessage("WARREN_TRANSPORT='kafka' is not one of auto, memory, rabbitmq");
    assertThatThrownBy(
            () -> WarrenOptions.fromEnvironment(Map.of("WARREN_RABBITMQ_PREFETCH", "lots")))
        .hasMessageContaining("WARREN_RABBITMQ_PREFETCH='lots'");
    assertThatThrownBy(
            () -> WarrenOptions.fromEnvironment(Map.of("WARREN_PUBLISH_TIMEOUT", "soon")))
        .hasMessageContaining("WARREN_PUBLISH_TIMEOUT='soon' is not a duration");
    assertThatThrownBy(
            () -> WarrenOptions.fromEnvironment(Map.of("WARREN_RABBITMQ_URL", "http://x:y@h/")))
        .hasMessage("RabbitMQ URL 'http://x:***@h/' must start with amqp:// or amqps://");
    assertThatThrownBy(() -> WarrenOptions.fromEnvironment(Map.of("WARREN_TRANSPORT", "rabbitmq")))
        .hasMessageContaining("needs a broker");
  }

  @Test
  void oneDurationGrammar() {
    assertThat(WarrenOptions.parseDuration("d", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(WarrenOptions.parseDuration("d", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(WarrenOptions.parseDuration("d", "45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(WarrenOptions.parseDuration("d", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(WarrenOptions.parseDuration("d", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(WarrenOptions.parseDuration("d", "7d")).isEqualTo(Duration.ofDays(7));
    assertThat(WarrenOptions.parseDuration("d", "PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(WarrenOptions.parseDuration("d", " p1d ")).isEqualTo(Duration.ofDays(1));
    for (String bad :
        new String[] {"", "soon", "5x", "-5s", "-5ms", "PT-1S", "99999999999999999d"}) {
      assertThatThrownBy(() -> WarrenOptions.parseDuration("--ttl", bad))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("--ttl='" + bad + "' is");
    }
  }

  @Test
  void storeLineageManagementAndMemoryBrokerComeFromTheOptions() {
    WarrenOptions o =
        WarrenOptions.fromEnvironment(
            Map.of(
                "WARREN_STORE_URL", "redis://127.0.0.1:6379",
                "WARREN_LINEAGE", "off",
                "WARREN_RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672/",
                "WARREN_MEMORY_BROKER", "demo"));
    assertThat(o.storeUrl()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(o.lineage()).isFalse();
    assertThat(o.managementUrl()).isEqualTo("http://127.0.0.1:15672");
    assertThat(o.memoryBroker()).isEqualTo("demo");
    WarrenOptions defaults = WarrenOptions.builder().build();
    assertThat(defaults.storeUrl()).isEqualTo("memory:");
    assertThat(defaults.lineage()).isTrue();
    assertThat(defaults.memoryBroker()).isNull();
    assertThat(defaults.codec()).isNull();
    assertThatThrownBy(() -> WarrenOptions.fromEnvironment(Map.of("WARREN_LINEAGE", "maybe")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("WARREN_LINEAGE='maybe' is not on or off");
    assertThatThrownBy(() -> WarrenOptions.builder().storeUrl("mysql://x:secret@h/db"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("mysql://x:***@h/db");
  }

  /** A clock that never moves, standing in for a test's virtual clock. */
  private static final WarrenClock STOPPED =
      new WarrenClock() {
        @Override
        public java.time.Instant instant() {
          return java.time.Instant.EPOCH;
        }

        @Override
        public java.util.concurrent.Future<?> schedule(Duration delay, Runnable action) {
          return new java.util.concurrent.CompletableFuture<Void>();
        }

        @Override
        public String toString() {
          return "a stopped clock";
        }
      };

  @Test
  void theClockIsTheSystemsUnlessAMemoryTransportIsGivenAnother() {
    assertThat(WarrenOptions.builder().build().clock()).isSameAs(WarrenClock.system());
    assertThat(WarrenOptions.builder().clock(null).build().clock()).isSameAs(WarrenClock.system());
    WarrenOptions memory =
        WarrenOptions.builder().transport(TransportKind.MEMORY).clock(STOPPED).build();
    assertThat(memory.clock()).isSameAs(STOPPED);
    assertThat(memory.toBuilder().build().clock()).isSameAs(STOPPED);
    assertThatThrownBy(() -> WarrenOptions.builder().clock(STOPPED).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "clock a stopped clock needs the memory transport, not auto: RabbitMQ keeps its own time");
    assertThatThrownBy(
            () ->
                WarrenOptions.builder()
                    .transport(TransportKind.RABBITMQ)
                    .rabbitmqUri("amqp://127.0.0.1")
                    .clock(STOPPED)
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not rabbitmq");
  }

  @Test
  void theSystemClockSetsTimers() throws Exception {
    java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
    java.time.Instant before = WarrenClock.system().instant();
    WarrenClock.system().schedule(Duration.ofMillis(5), ran::countDown);
    assertThat(ran.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(WarrenClock.system().instant()).isAfterOrEqualTo(before);
    java.util.concurrent.Future<?> cancelled =
        WarrenClock.system().schedule(Duration.ofHours(1), () -> {});
    assertThat(cancelled.cancel(false)).isTrue();
  }
}
