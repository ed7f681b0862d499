package dev.warren.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warren.Event;
import dev.warren.Subscription;
import dev.warren.Warren;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code @ExtendWith}: a new harness per test, given as a parameter. */
@ExtendWith(WarrenHarnessExtension.class)
class WarrenHarnessExtensionTest {
  @Test
  void aTestGetsTheHarnessAndItsInstance(WarrenHarness harness, Warren warren) {
    assertThat(warren).isSameAs(harness.warren());
    List<String> greeted = new CopyOnWriteArrayList<>();
    warren.subscribe(
        Subscription.named("greeter").pattern("user.joined"),
        event -> greeted.add(event.data(String.class)));
    Event joined = warren.publish("user.joined", "ada").join();

    harness.awaitHandled("greeter", joined.id());
    assertThat(greeted).containsExactly("ada");
  }

  @Test
  void eachTestHasANewOne(WarrenHarness harness) {
    assertThat(harness.published("user.joined")).isEmpty();
  }
}
