package dev.warren.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Seed 003, interaction events fan-out, as a Spring Boot application on Warren's starter: a shop's
 * front end posts user–product interactions to {@code POST /interactions} ({@link FrontDoor}); two
 * independent subscriptions, each with three concurrent handlers, turn them into graph edges
 * ({@link EdgeWriter}) and per-user counters ({@link UserCounters}). Interactions with a product
 * the catalog does not know are dead-lettered; once the product is added, the operator replays them
 * ({@link Operator}) and nothing is lost or counted twice.
 *
 * <p>Run it with {@code mvn -pl warren-examples/spring-boot spring-boot:run} (the embedded broker),
 * or with {@code WARREN_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672} for RabbitMQ; {@code
 * /actuator/health} shows Warren.
 */
@SpringBootApplication
public class InteractionsApplication {
  /** Created by Spring. */
  InteractionsApplication() {}

  /**
   * @param args Spring Boot's arguments
   */
  public static void main(String[] args) {
    SpringApplication.run(InteractionsApplication.class, args);
  }
}
