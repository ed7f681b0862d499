package dev.warren.examples.springboot;

import dev.warren.Event;
import dev.warren.spring.boot.WarrenListener;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** Counts each user's interactions by kind; an event counted once is never counted again. */
@Component
class UserCounters {
  private final Set<String> counted = ConcurrentHashMap.newKeySet();
  private final Map<String, Map<String, AtomicLong>> byUser = new ConcurrentHashMap<>();

  @WarrenListener(
      subscription = "${interactions.counters:interactions.counters}",
      pattern = "interaction.#",
      concurrency = "3",
      prefetch = "20")
  void count(Interaction interaction, Event event) {
    if (counted.add(event.id())) {
      byUser
          .computeIfAbsent(interaction.user(), u -> new ConcurrentHashMap<>())
          .computeIfAbsent(interaction.kind(), k -> new AtomicLong())
          .incrementAndGet();
    }
  }

  int total() {
    return counted.size();
  }

  /**
   * @return user → kind → count, sorted
   */
  Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    byUser.forEach(
        (user, kinds) -> {
          Map<String, Long> counts = new TreeMap<>();
          kinds.forEach((kind, n) -> counts.put(kind, n.get()));
          out.put(user, counts);
        });
    return out;
  }
}
