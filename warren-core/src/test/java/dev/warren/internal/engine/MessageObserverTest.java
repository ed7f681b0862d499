package dev.warren.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.MessageObserver;
import dev.warren.RetryPolicy;
import dev.warren.Subscription;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import dev.warren.internal.memory.InMemoryBroker;
import dev.warren.internal.memory.InMemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The options' observer sees each publish and handler run, and its headers travel between. */
@Timeout(60)
class MessageObserverTest {
  /** What the observer saw, one line each, in order. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private Warren warren;

  private final MessageObserver observer =
      new MessageObserver() {
        @Override
        public Completion publishing(Event event, Map<String, String> headers) {
          headers.put("traceparent", "00-" + event.type());
          // why: Warren's own headers are not the observer's to change
          headers.put("warren-partition", "mine");
          return error -> seen.add("published " + event.type() + " " + describe(error));
        }

        @Override
        public Completion handling(String subscription, Event event, Map<String, String> headers) {
          seen.add(
              "handling "
                  + subscription
                  + " traceparent="
                  + headers.get("traceparent")
                  + " partition-is-id="
                  + event.id().equals(headers.get("warren-partition")));
          return error -> seen.add("handled " + subscription + " " + describe(error));
        }
      };

  private static String describe(Throwable error) {
    return error == null ? "ok" : "failed: " + error.getMessage();
  }

  private Warren start(MessageObserver observer) {
    WarrenOptions options =
        WarrenOptions.builder()
            .transport(WarrenOptions.TransportKind.MEMORY)
            .observer(observer)
            .build();
    warren = WarrenEngine.start(options, new InMemoryTransport(new InMemoryBroker()));
    return warren;
  }

  @AfterEach
  void close() {
    warren.close();
  }

  @Test
  void thePublishersHeadersReachTheHandlersObservationAndEachEndIsTold() {
    Warren warren = start(observer);
    warren.subscribe(
        Subscription.named("orders").pattern("order.placed").retry(RetryPolicy.none()),
        event -> {
          if (event.dataAsString().contains("bad")) {
            throw new IllegalStateException("bad order");
          }
        });

    warren.publish("order.placed", "{\"id\":\"good\"}").join();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
    warren.publish("order.placed", "{\"id\":\"bad\"}").join();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 6);

    // why: a confirm may be told before or after the delivery it led to is handled
    assertThat(seen.stream().filter(line -> line.startsWith("published")))
        .containsExactly("published order.placed ok", "published order.placed ok");
    assertThat(seen.stream().filter(line -> !line.startsWith("published")))
        .containsExactly(
            "handling orders traceparent=00-order.placed partition-is-id=true",
            "handled orders ok",
            "handling orders traceparent=00-order.placed partition-is-id=true",
            "handled orders failed: bad order");
  }

  @Test
  void anObserverThatThrowsBreaksNeitherPublishNorHandling() {
    List<String> handled = new CopyOnWriteArrayList<>();
    Warren warren =
        start(
            new MessageObserver() {
              @Override
              public Completion publishing(Event event, Map<String, String> headers) {
                throw new IllegalStateException("observer broken");
              }

              @Override
              public Completion handling(
                  String subscription, Event event, Map<String, String> headers) {
                return error -> {
                  throw new IllegalStateException("observer broken too");
                };
              }
            });
    warren.subscribe(
        Subscription.named("orders").pattern("order.placed"), event -> handled.add(event.id()));

    String id = warren.publish("order.placed", "{}").join().id();

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(id));
  }
}
