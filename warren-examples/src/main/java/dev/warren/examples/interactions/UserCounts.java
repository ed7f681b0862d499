package dev.warren.examples.interactions;

import java.util.Locale;

/**
 * One user's counters.
 *
 * @param viewed products viewed
 * @param carted products put in the cart
 * @param purchased products bought
 */
record UserCounts(long viewed, long carted, long purchased) {

  /**
   * @param kind an interaction kind
   * @return the counters of that one interaction
   */
  static UserCounts of(String kind) {
    return switch (kind) {
      case "viewed" -> new UserCounts(1, 0, 0);
      case "carted" -> new UserCounts(0, 1, 0);
      case "purchased" -> new UserCounts(0, 0, 1);
      default -> throw new IllegalArgumentException("unknown interaction kind '" + kind + "'");
    };
  }

  /**
   * @param other more counters
   * @return the sum
   */
  UserCounts plus(UserCounts other) {
    return new UserCounts(
        viewed + other.viewed, carted + other.carted, purchased + other.purchased);
  }

  /**
   * @return how many interactions in all
   */
  long total() {
    return viewed + carted + purchased;
  }

  /**
   * @param user the user
   * @return one line for the narration and the run's facts, for example {@code ada: 10 interactions
   *     (6 viewed, 2 carted, 2 purchased)}
   */
  String describe(String user) {
    return String.format(
        Locale.ROOT,
        "%s: %d interactions (%d viewed, %d carted, %d purchased)",
        user,
        total(),
        viewed,
        carted,
        purchased);
  }
}
