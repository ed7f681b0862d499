package dev.warren.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warren.Event;
import dev.warren.Warren;
import dev.warren.spring.boot.Shop.Billing;
import dev.warren.spring.boot.Shop.Booked;
import dev.warren.spring.boot.Shop.OrderPlaced;
import dev.warren.spring.boot.Shop.Quote;
import dev.warren.spring.boot.Shop.QuoteRequest;
import dev.warren.spring.boot.Shop.Render;
import dev.warren.spring.boot.Shop.Rendered;
import dev.warren.tasks.Tasks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the {@link Shop} application does through the starter, the same on every transport: each
 * subclass is a {@code @SpringBootTest} of it on one transport.
 */
abstract class ShopContractTest {
  @Autowired Warren warren;
  @Autowired Tasks tasks;
  @Autowired Billing billing;

  /**
   * @return how {@link Warren#describe()} starts on this transport
   */
  abstract String transport();

  @Test
  void runsOnTheConfiguredTransport() {
    assertThat(warren.describe()).startsWith(transport());
  }

  @Test
  void aListenerRepliesWithAnEventCausedByTheOneItHandled() {
    Event order = warren.publish(new OrderPlaced("o-1", 4_200)).join();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> billing.ledger.stream().anyMatch(b -> b.invoice().orderId().equals("o-1")));
    Booked booked =
        billing.ledger.stream().filter(b -> b.invoice().orderId().equals("o-1")).findFirst().get();
    assertThat(booked.invoice()).isEqualTo(new Shop.Invoice("o-1", 4_200));
    assertThat(booked.event().type()).isEqualTo("invoice.created");
    assertThat(booked.event().causationIds()).containsExactly(order.id());
    assertThat(booked.event().correlationId())
        .isEqualTo(order.correlationId().or(() -> java.util.Optional.of(order.id())));
    assertThat(booked.subscription()).isEqualTo("ledger");
    // why: the application's mapper (snake_case) wrote the data, not Warren's own
    assertThat(order.dataAsString()).contains("\"order_id\":\"o-1\"");
    assertThat(booked.event().dataAsString()).contains("\"order_id\":\"o-1\"");
  }

  @Test
  void aListenerAnswersARequest() {
    Quote quote =
        warren
            .request(
                "quote.requested", new QuoteRequest("sku-9"), Quote.class, Duration.ofSeconds(20))
            .join();

    assertThat(quote).isEqualTo(new Quote("sku-9", 1_250));
  }

  @Test
  void aTaskMethodRunsSubmittedTasks() throws Exception {
    Rendered rendered =
        tasks
            .submit("image.render", new Render("cat"), Rendered.class)
            .future()
            .get(20, TimeUnit.SECONDS);

    assertThat(rendered).isEqualTo(new Rendered("cat.png", 1));
  }
}
