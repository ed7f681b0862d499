package dev.warren.rabbitmq;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.testkit.EngineContractTest;
import dev.warren.testkit.TestBroker;
import dev.warren.transport.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine contract on a real RabbitMQ, each test on a virtual host of its own; and what only a
 * real broker can show: request/reply survives a connection recovery.
 */
class RabbitMqEngineContractTest extends EngineContractTest {
  @RegisterExtension final TestBroker broker = TestBroker.perTest();

  @Override
  protected WarrenOptions.Builder baseOptions() {
    return broker.options().connectTimeout(Duration.ofSeconds(10));
  }

  @Override
  protected Transport connect(WarrenOptions options) {
    return RabbitMqTransport.connect(options);
  }

  @Test
  void requestsAreAnsweredAgainAfterTheConnectionRecovered() {
    newWarren()
        .respond(
            Subscription.named(name("recover")).pattern("ping.requested"),
            String.class,
            (s, e) -> "pong " + s);
    Warren requester = newWarren();
    assertThat(
            requester.request("ping.requested", "1", String.class, Duration.ofSeconds(10)).join())
        .isEqualTo("pong 1");

    broker.closeAllConnections();

    // the reply consumer is registered again on a new channel once the connection is back;
    // requests sent meanwhile may time out
    await()
        .atMost(60, SECONDS)
        .ignoreExceptions()
        .until(
            () ->
                requester
                    .request("ping.requested", "2", String.class, Duration.ofSeconds(2))
                    .join()
                    .equals("pong 2"));
    for (int i = 0; i < 20; i++) {
      assertThat(
              requester
                  .request("ping.requested", "n" + i, String.class, Duration.ofSeconds(10))
                  .join())
          .isEqualTo("pong n" + i);
    }
  }
}
