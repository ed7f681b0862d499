package dev.warren.spring.boot;

import org.springframework.boot.test.context.SpringBootTest;

/** The {@link Shop} on the embedded transport: no broker configured. */
@SpringBootTest(
    classes = Shop.class,
    properties = {"shop.billing-subscription=billing", "warren.transport=memory"})
class ShopInMemoryTest extends ShopContractTest {
  @Override
  String transport() {
    return "memory";
  }
}
