package dev.warren.examples.interactions;

import dev.warren.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The script's interactions, the same on every run, each with the event id the front end gives it
 * (so it can send it again after a lost response), and what the sinks must end with.
 *
 * @param sent the interactions in the order the front end posts them
 */
record Traffic(List<Sent> sent) {
  static final List<String> USERS = List.of("ada", "bob", "cyd", "dee", "eve", "fay");
  static final List<String> PRODUCTS =
      List.of("p-1", "p-2", "p-3", "p-4", "p-5", "p-6", "p-7", "p-8");

  /** A product the edge worker's catalog does not know yet: its edges fail until it is added. */
  static final String NEW_PRODUCT = "p-13";

  /** Interactions with {@link #NEW_PRODUCT}, chosen so that none is also a tenth interaction. */
  static final List<Integer> NEW_PRODUCT_SEQS = List.of(17, 33, 49);

  private static final List<String> KINDS =
      List.of("viewed", "viewed", "viewed", "carted", "purchased");

  /**
   * An interaction and the id of its event.
   *
   * @param id the event id
   * @param interaction the interaction
   */
  record Sent(String id, Interaction interaction) {}

  /**
   * @param count how many interactions
   * @return the script's traffic: users, products and kinds in a fixed rotation
   */
  static Traffic generate(int count) {
    List<Sent> sent = new ArrayList<>();
    for (int seq = 1; seq <= count; seq++) {
      // why: uneven on purpose (ada gets two of every seven), so a counter mixed up between users
      // shows in the totals
      String user = USERS.get(seq % 7 % USERS.size());
      String product =
          NEW_PRODUCT_SEQS.contains(seq) ? NEW_PRODUCT : PRODUCTS.get(seq * 5 % PRODUCTS.size());
      String kind = KINDS.get(seq % KINDS.size());
      sent.add(new Sent(Event.newId(), new Interaction(seq, user, product, kind)));
    }
    return new Traffic(List.copyOf(sent));
  }

  /**
   * @param size interactions per batch
   * @return the traffic cut into batches, as the front end posts it
   */
  List<List<Sent>> batches(int size) {
    List<List<Sent>> out = new ArrayList<>();
    for (int i = 0; i < sent.size(); i += size) {
      out.add(sent.subList(i, Math.min(sent.size(), i + size)));
    }
    return out;
  }

  /**
   * @return how many interactions the edge writer fails once on purpose: every tenth
   */
  long tenths() {
    return sent.stream().filter(s -> EdgeWriter.failsFirstAttempt(s.interaction())).count();
  }

  /**
   * @return the sum of every interaction's weight: what the edge table must add up to
   */
  long totalWeight() {
    return sent.stream().mapToLong(s -> s.interaction().weight()).sum();
  }

  /**
   * @return the counters every user must end with, by user
   */
  Map<String, UserCounts> expectedCounts() {
    Map<String, UserCounts> out = new TreeMap<>();
    for (Sent s : sent) {
      out.merge(s.interaction().user(), UserCounts.of(s.interaction().kind()), UserCounts::plus);
    }
    return out;
  }
}
