package dev.warren.spring.boot.test;

import dev.warren.EventType;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small application for the slice's tests: an {@link Oven} whose first bake fails and is retried
 * a minute later, replying with a baked event, and a {@link Till} with no Warren methods, which the
 * slice leaves out. The tests point Warren at a RabbitMQ that does not exist, so only the harness
 * can make it run. why: its components are top-level classes, because member classes of a
 * configuration class are registered whatever the scan's filters say
 */
@SpringBootApplication
public class Bakery {
  /** Bread ordered. */
  @EventType("bread.ordered")
  public record Ordered(String loaf) {}

  /** Bread baked. */
  @EventType("bread.baked")
  public record Baked(String loaf, int attempt) {}
}
