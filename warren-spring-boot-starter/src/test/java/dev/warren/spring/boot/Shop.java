package dev.warren.spring.boot;

import dev.warren.Event;
import dev.warren.EventType;
import dev.warren.Subscription;
import dev.warren.tasks.TaskContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.PropertyNamingStrategies;

/**
 * A small Spring Boot application using Warren only through the starter: it bills orders (a reply
 * event), keeps a ledger of invoices (broadcast), answers quote requests and renders images (a
 * task). Its JSON mapper writes snake_case, so a test can see that Warren used it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(Shop.Billing.class)
class Shop {
  @EventType("order.placed")
  record OrderPlaced(String orderId, long cents) {}

  @EventType("invoice.created")
  record Invoice(String orderId, long cents) {}

  record QuoteRequest(String sku) {}

  record Quote(String sku, long cents) {}

  record Render(String path) {}

  record Rendered(String path, int attempt) {}

  /** An invoice as the ledger received it, with its event. */
  record Booked(Invoice invoice, Event event, String subscription) {}

  @Bean
  JsonMapperBuilderCustomizer snakeCase() {
    return builder -> builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  }

  static class Billing {
    final List<Booked> ledger = new CopyOnWriteArrayList<>();

    @WarrenListener(subscription = "${shop.billing-subscription}", pattern = "order.placed")
    Invoice bill(OrderPlaced order) {
      return new Invoice(order.orderId(), order.cents());
    }

    @WarrenListener(
        subscription = "ledger",
        pattern = "invoice.*",
        mode = Subscription.Mode.BROADCAST,
        retryDelays = {"1s", "2s"})
    void book(Event event, Invoice invoice, Subscription subscription) {
      ledger.add(new Booked(invoice, event, subscription.name()));
    }

    @WarrenListener(subscription = "quotes", pattern = "quote.requested", concurrency = "2")
    Quote quote(QuoteRequest request) {
      return new Quote(request.sku(), 1_250);
    }

    @WarrenTask("image.render")
    Rendered render(Render args, TaskContext task) {
      return new Rendered(args.path() + ".png", task.attempt());
    }
  }
}
