package dev.warren.examples;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an example run ended.
 *
 * @param example the example's name
 * @param summary one line for the demo's closing table
 * @param figures the counts the run checked (events published, handled, dead-lettered, ...), by
 *     name, in a stable order
 * @param facts lines the end-to-end tests and the narration can quote
 */
public record ExampleResult(
    String example, String summary, Map<String, Long> figures, List<String> facts) {

  /** Copies the collections. */
  public ExampleResult {
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    facts = List.copyOf(facts);
  }
}
