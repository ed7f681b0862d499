package dev.warren.examples;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The examples on the class path, in the order the demo runs them. */
public final class Examples {
  private static final List<String> ORDER =
      List.of("gateway", "event-hub", "interactions", "tasks-api");

  private Examples() {}

  /**
   * @return every example, the four seed applications first in their seed order
   */
  public static List<Example> all() {
    return ServiceLoader.load(Example.class).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(Comparator.comparingInt(Examples::rank).thenComparing(Example::name))
        .toList();
  }

  /**
   * @param name an example's name
   * @return that example, if there is one
   */
  public static Optional<Example> named(String name) {
    return all().stream().filter(e -> e.name().equals(name)).findFirst();
  }

  private static int rank(Example e) {
    int i = ORDER.indexOf(e.name());
    return i < 0 ? ORDER.size() : i;
  }
}
