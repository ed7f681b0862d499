package dev.warren.examples.springboot;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The products the edge writer knows; {@code PUT /products/{id}} adds one. */
@Component
class Catalog {
  private final Set<String> products = ConcurrentHashMap.newKeySet();

  Catalog() {
    for (int i = 1; i <= 8; i++) {
      products.add("p-" + i);
    }
  }

  boolean knows(String product) {
    return products.contains(product);
  }

  void add(String product) {
    products.add(product);
  }
}
