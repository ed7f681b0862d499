package dev.warren;

import java.nio.charset.StandardCharsets;

/**
 * Event types and subscription patterns, with RabbitMQ topic-exchange semantics.
 *
 * <p>An event type is the routing key: dot-separated, non-empty words such as {@code
 * transcription.voice.completed}, at most 255 bytes, without {@code *} or {@code #}. A pattern may
 * also use {@code *} for exactly one word and {@code #} for zero or more words, each as a whole
 * word: {@code transcription.*.completed}, {@code virtual-key.#}, {@code #}.
 */
public final class Topics {
  private static final int MAX_BYTES = 255;

  private Topics() {}

  /**
   * Checks an event type.
   *
   * @param type the event type
   * @return the same type
   * @throws InvalidInputException naming the type and what is wrong with it
   */
  public static String requireValidType(String type) {
    String problem = typeProblem(type);
    if (problem != null) {
      throw new InvalidInputException("invalid event type '" + type + "': " + problem);
    }
    return type;
  }

  /**
   * Checks a subscription pattern.
   *
   * @param pattern the pattern
   * @return the same pattern
   * @throws InvalidInputException naming the pattern and what is wrong with it
   */
  public static String requireValidPattern(String pattern) {
    String problem = patternProblem(pattern);
    if (problem != null) {
      throw new InvalidInputException("invalid pattern '" + pattern + "': " + problem);
    }
    return pattern;
  }

  /**
   * @param type a candidate event type
   * @return why it is not a valid event type, or {@code null} when it is
   */
  public static String typeProblem(String type) {
    String problem = commonProblem(type);
    if (problem != null) {
      return problem;
    }
    if (type.indexOf('*') >= 0 || type.indexOf('#') >= 0) {
      return "'*' and '#' are wildcards for patterns, not part of a type";
    }
    return null;
  }

  /**
   * @param pattern a candidate pattern
   * @return why it is not a valid pattern, or {@code null} when it is
   */
  public static String patternProblem(String pattern) {
    String problem = commonProblem(pattern);
    if (problem != null) {
      return problem;
    }
    for (String word : pattern.split("\\.", -1)) {
      if (word.length() > 1 && (word.indexOf('*') >= 0 || word.indexOf('#') >= 0)) {
        return "wildcard inside the word '" + word + "'; '*' and '#' must stand alone between dots";
      }
    }
    return null;
  }

  private static String commonProblem(String value) {
    if (value == null || value.isEmpty()) {
      return "it is empty";
    }
    // why: every publish validates its type, so this is one pass without allocation
    int length = value.length();
    boolean ascii = true;
    boolean emptyWord = false;
    int whitespaceAt = -1;
    char previous = '.';
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        ascii = false;
      }
      if (c == '.' && previous == '.') {
        emptyWord = true;
      }
      if (whitespaceAt < 0 && (Character.isWhitespace(c) || Character.isISOControl(c))) {
        whitespaceAt = i;
      }
      previous = c;
    }
    if (ascii ? length > MAX_BYTES : value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "longer than " + MAX_BYTES + " bytes";
    }
    if (emptyWord || previous == '.') {
      return "empty word (leading, trailing or doubled dot)";
    }
    if (whitespaceAt >= 0) {
      return "contains whitespace or a control character at position " + whitespaceAt;
    }
    return null;
  }

  /**
   * Matches a routing key against a pattern, as a RabbitMQ topic exchange does.
   *
   * @param pattern a valid pattern
   * @param type a valid event type
   * @return whether an event of that type is routed to a binding with that pattern
   */
  public static boolean matches(String pattern, String type) {
    if (pattern.equals("#")) {
      return true;
    }
    return matches(pattern.split("\\."), 0, type.split("\\."), 0);
  }

  private static boolean matches(String[] p, int pi, String[] k, int ki) {
    while (pi < p.length) {
      String word = p[pi];
      if (word.equals("#")) {
        if (pi == p.length - 1) {
          return true;
        }
        for (int skip = ki; skip <= k.length; skip++) {
          if (matches(p, pi + 1, k, skip)) {
            return true;
          }
        }
        return false;
      }
      if (ki >= k.length) {
        return false;
      }
      if (!word.equals("*") && !word.equals(k[ki])) {
        return false;
      }
      pi++;
      ki++;
    }
    return ki == k.length;
  }
}
