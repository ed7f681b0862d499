package dev.warren.internal.observability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a tag's distinct values bounded: after {@code max} values, new ones are reported as {@code
 * other}. why: event types and subscription names come from applications, and an application that
 * makes them from data (ids in types) must not blow up its metrics backend.
 */
final class BoundedTags {
  static final String OTHER = "other";

  private final int max;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  BoundedTags(int max) {
    this.max = max;
  }

  String of(String value) {
    if (value == null) {
      return "none";
    }
    if (known.contains(value)) {
      return value;
    }
    if (known.size() >= max) {
      return OTHER;
    }
    known.add(value);
    return value;
  }
}
