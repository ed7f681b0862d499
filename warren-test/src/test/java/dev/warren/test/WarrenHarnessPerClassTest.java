package dev.warren.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A harness on a static field serves every test of its class, started before the first. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarrenHarnessPerClassTest {
  @RegisterExtension static WarrenHarness harness = WarrenHarness.create();

  @Test
  @Order(1)
  void theFirstTestPublishes() {
    harness.warren().publish("greeting.sent", "hello").join();
    harness.awaitIdle();
    assertThat(harness.published("greeting.sent")).hasSize(1);
  }

  @Test
  @Order(2)
  void theNextTestSeesTheSameInstance() {
    assertThat(harness.published("greeting.sent")).hasSize(1);
    assertThat(harness.awaitPublished("greeting.sent").data(String.class)).isEqualTo("hello");
  }
}
