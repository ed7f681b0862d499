package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubscriptionTest {
  @Test
  void isImmutableAndFluent() {
    Subscription base = Subscription.named("cache-invalidation");
    Subscription s = base.pattern("virtual-key.*").pattern("provider.#").broadcast().concurrency(3);
    assertThat(base.patterns()).isEmpty();
    assertThat(base.mode()).isEqualTo(Subscription.Mode.COMPETING);
    assertThat(s.patterns()).containsExactly("virtual-key.*", "provider.#");
    assertThat(s.mode()).isEqualTo(Subscription.Mode.BROADCAST);
    assertThat(s.concurrency()).isEqualTo(3);
    assertThat(s.deadLetterQueue()).isEqualTo("cache-invalidation.dlq");
  }

  @Test
  void namesTheBadValue() {
    assertThatThrownBy(() -> Subscription.named("has space")).hasMessageContaining("'has space'");
    assertThatThrownBy(() -> Subscription.named("amq.gen")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> Subscription.named("x.dlq")).hasMessageContaining(".dlq");
    assertThatThrownBy(() -> Subscription.named("x").pattern("a..b"))
        .hasMessageContaining("'a..b'");
    assertThatThrownBy(() -> Subscription.named("x").concurrency(0)).hasMessageContaining("0");
    assertThatThrownBy(() -> Subscription.named("x").prefetch(70000)).hasMessageContaining("70000");
  }
}
