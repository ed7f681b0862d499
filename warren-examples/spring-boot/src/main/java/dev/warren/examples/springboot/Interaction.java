package dev.warren.examples.springboot;

import java.util.Map;

/**
 * What the front end reports: a user did something with a product. Travels as the JSON data of an
 * event of type {@code interaction.<kind>}.
 *
 * @param seq the front end's sequence number
 * @param user the user id
 * @param product the product id
 * @param kind {@code viewed}, {@code carted} or {@code purchased}
 */
public record Interaction(int seq, String user, String product, String kind) {
  /** How much each kind of interaction weighs on a graph edge. */
  static final Map<String, Integer> WEIGHTS = Map.of("viewed", 1, "carted", 3, "purchased", 5);

  /** Checks the kind. */
  public Interaction {
    if (!WEIGHTS.containsKey(kind)) {
      throw new IllegalArgumentException(
          "unknown interaction kind '" + kind + "': viewed, carted or purchased");
    }
  }

  /**
   * @return the event type, which is also the routing key
   */
  String eventType() {
    return "interaction." + kind;
  }

  /**
   * @return the weight this interaction adds to its user→product edge
   */
  int weight() {
    return WEIGHTS.get(kind);
  }
}
