package dev.warren.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.BrokerUnavailableException;
import dev.warren.WarrenOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Start-up against a broker that is not there: no RabbitMQ needed. */
class RabbitMqConnectTest {
  @Test
  void anUnreachableBrokerFailsAfterTheConnectTimeoutWithTheUriMasked() {
    WarrenOptions options =
        WarrenOptions.builder()
            .rabbitmqUri("amqp://guest:s3cret@127.0.0.1:1/orders")
            .connectTimeout(Duration.ofMillis(700))
            .build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> RabbitMqTransport.connect(options))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessage(
            "RabbitMQ at amqp://guest:***@127.0.0.1:1/orders unreachable after 700 ms:"
                + " Connection refused")
        .hasMessageNotContaining("s3cret");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofSeconds(5));
  }

  @Test
  void aUriWithoutABrokerIsRefused() {
    WarrenOptions options = WarrenOptions.builder().build();
    assertThatThrownBy(() -> RabbitMqTransport.connect(options))
        .hasMessageContaining("needs a broker");
  }
}
