package dev.warren.spring.boot.test;

import dev.warren.spring.boot.WarrenListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Bakes, failing the first time. */
@Component
public class Oven {
  final AtomicInteger attempts = new AtomicInteger();
  final List<String> baked = new CopyOnWriteArrayList<>();

  @WarrenListener(
      subscription = "oven",
      pattern = "bread.ordered",
      immediateRetries = "0",
      retryDelays = "1m")
  Bakery.Baked bake(Bakery.Ordered ordered) {
    int attempt = attempts.incrementAndGet();
    if (attempt == 1) {
      throw new IllegalStateException("oven still cold");
    }
    baked.add(ordered.loaf());
    return new Bakery.Baked(ordered.loaf(), attempt);
  }
}
