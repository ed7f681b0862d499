package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.warren.BrokerUnavailableException;
import dev.warren.Subscription;
import dev.warren.SubscriptionHandle;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.admin.QueueDefinition;
import dev.warren.admin.QueuedMessage;
import dev.warren.testkit.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server as a gateway to a real RabbitMQ (127.0.0.1:5672, management on 15672). */
class RabbitMqServerTest {

  @Test
  void publishesToTheExchangeAndListsQueues() throws Exception {
    try (TestBroker broker = TestBroker.create();
        Warren warren = Warren.create(broker.options().source("gateway").build());
        Warren observer = Warren.create(broker.options().build())) {
      WarrenServer server = WarrenServer.start(ServerOptions.builder().port(0).build(), warren);
      try {
        Http http = new Http(server.port());
        // why: a plain queue bound to the exchange shows the messages as they are on the wire
        String queue = "raw-observer";
        observer
            .admin()
            .declareQueue(QueueDefinition.transientQueue(queue).binding("gw.#").build());
        // a consumer on a queue of its own, for the consumer count the management API reports
        SubscriptionHandle watching =
            observer.subscribe(Subscription.named("gw-watch").pattern("gw.#"), e -> {});

        var ready = http.get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("Healthy");

        var one =
            http.send(
                "POST",
                "/events",
                "application/cloudevents+json",
                "{\"specversion\":\"1.0\",\"type\":\"gw.one\",\"id\":\"g1\",\"data\":{\"n\":1}}");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(202);
        var batch =
            http.send(
                "POST",
                "/events",
                "application/cloudevents-batch+json",
                "[{\"specversion\":\"1.0\",\"type\":\"gw.two\",\"id\":\"g2\"},"
                    + "{\"specversion\":\"1.0\",\"type\":\"gw.three\",\"id\":\"g3\",\"subject\":\"s\"}]");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
        assertThat(ServerEndpointsTest.json(batch).get("ids").toString())
            .isEqualTo("[\"g2\",\"g3\"]");

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> observer.admin().queue(queue).orElseThrow().messages() == 3);
        List<QueuedMessage> received = observer.admin().peek(queue, 10);
        assertThat(received)
            .extracting(QueuedMessage::routingKey)
            .containsExactly("gw.one", "gw.two", "gw.three");
        Map<String, Object> headers = received.get(0).headers();
        assertThat(String.valueOf(headers.get("cloudEvents_specversion"))).isEqualTo("1.0");
        assertThat(String.valueOf(headers.get("cloudEvents_id"))).isEqualTo("g1");
        assertThat(String.valueOf(headers.get("cloudEvents_type"))).isEqualTo("gw.one");
        assertThat(String.valueOf(headers.get("cloudEvents_source"))).isEqualTo("gateway");
        assertThat(new String(received.get(0).body(), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo("{\"n\":1}");
        assertThat(String.valueOf(received.get(2).headers().get("cloudEvents_subject")))
            .isEqualTo("s");

        // why: the queue list comes from the management API (port 15672), not AMQP
        var queues = http.get("/queues");
        assertThat(queues.statusCode()).as(queues.body()).isEqualTo(200);
        assertThat(queues.body()).contains("\"" + queue + "\"");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    ServerEndpointsTest.json(http.get("/queues/gw-watch")).get("consumers").asInt(),
                consumers -> consumers == 1);
        var info = http.get("/queues/" + queue);
        assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
        assertThat(ServerEndpointsTest.json(info).get("messages").asLong()).isEqualTo(3);
        watching.close();
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void aPublishWhileTheBrokerIsDownAnswers503WithRetryAfter() throws Exception {
    try (TestBroker broker = TestBroker.create();
        Warren warren =
            Warren.create(broker.options().publishTimeout(Duration.ofSeconds(1)).build())) {
      WarrenServer server = WarrenServer.start(ServerOptions.builder().port(0).build(), warren);
      Http http = new Http(server.port());
      try {
        broker.stopBroker();
        var down = http.send("POST", "/publish/gw.down", "application/json", "{\"n\":1}");
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        assertThat(down.headers().firstValue("Content-Type").orElseThrow())
            .startsWith("application/problem+json");
        assertThat(ServerEndpointsTest.json(down).get("detail").asText())
            .containsAnyOf("broker is unreachable", "broker is unavailable", "did not confirm");
        var ready = http.get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
      } finally {
        broker.startBroker();
        server.stop();
      }
    }
  }

  @Test
  void aClosedBrokerPortFailsClearlyBeforeServing() {
    WarrenOptions nowhere =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.RABBITMQ)
            .rabbitmqUri("amqp://guest:guest@127.0.0.1:1/")
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    assertThatThrownBy(() -> Warren.create(nowhere).close())
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("127.0.0.1:1");
  }
}
