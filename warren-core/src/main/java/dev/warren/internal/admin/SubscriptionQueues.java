package dev.warren.internal.admin;

import dev.warren.Subscription;
import dev.warren.transport.QueueInfo;
import dev.warren.transport.QueueSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queues of one subscription, picked out of the broker's queue listing by the shapes {@link
 * dev.warren.internal.engine.Topology} gives them.
 *
 * <p>A subscription {@code <name>} exists when its dead-letter queue {@code <name>.dlq} does (or it
 * runs in this instance). Its queues are the ones that dead-letter to {@code <name>.dlq}: {@code
 * <name>} when competing, {@code <name>.<instance>} per broadcast instance, {@code <name>.p<i>} per
 * ordered partition. why: the dead-letter argument rather than the name decides, because names
 * alone are ambiguous: {@code orders.audit} may be a broadcast instance of {@code orders} or a
 * subscription of its own. Its wait queues are {@code <queue>.wait.<ms>ms} of each of its queues.
 *
 * @param name the subscription
 * @param queues the queues it consumes from, by name
 * @param waits its wait queues, by name
 * @param deadLetters its dead-letter queue, or {@code null} when missing
 */
record SubscriptionQueues(
    String name, List<QueueInfo> queues, List<QueueInfo> waits, QueueInfo deadLetters) {
  private static final String DLQ = ".dlq";
  private static final Pattern WAIT = Pattern.compile("(.+)\\.wait\\.\\d+ms");

  /**
   * @param listing the broker's queues
   * @param running the names of the subscriptions running in this instance
   * @return every subscription found, by name
   */
  static Map<String, SubscriptionQueues> find(List<QueueInfo> listing, Collection<String> running) {
    Map<String, QueueInfo> byName = new HashMap<>();
    Set<String> names = new TreeSet<>(running);
    for (QueueInfo q : listing) {
      byName.put(q.name(), q);
      if (q.name().endsWith(DLQ) && q.name().length() > DLQ.length()) {
        names.add(q.name().substring(0, q.name().length() - DLQ.length()));
      }
    }
    Map<String, List<QueueInfo>> members = new HashMap<>();
    Map<String, String> owner = new HashMap<>();
    for (QueueInfo q : listing) {
      String name = subscriptionOf(q, names);
      if (name != null) {
        members.computeIfAbsent(name, k -> new ArrayList<>()).add(q);
        owner.put(q.name(), name);
      }
    }
    Map<String, List<QueueInfo>> waits = new HashMap<>();
    for (QueueInfo q : listing) {
      Matcher m = WAIT.matcher(q.name());
      if (m.matches() && owner.containsKey(m.group(1))) {
        waits.computeIfAbsent(owner.get(m.group(1)), k -> new ArrayList<>()).add(q);
      }
    }
    Map<String, SubscriptionQueues> out = new TreeMap<>();
    for (String name : names) {
      out.put(
          name,
          new SubscriptionQueues(
              name, sorted(members.get(name)), sorted(waits.get(name)), byName.get(name + DLQ)));
    }
    return out;
  }

  private static String subscriptionOf(QueueInfo q, Set<String> names) {
    if (q.name().endsWith(DLQ) || WAIT.matcher(q.name()).matches()) {
      return null;
    }
    Object dlrk = q.arguments().get(QueueSpec.DEAD_LETTER_ROUTING_KEY);
    if (dlrk instanceof String key) {
      if (key.endsWith(DLQ)) {
        String name = key.substring(0, key.length() - DLQ.length());
        return names.contains(name) ? name : null;
      }
      return null;
    }
    // why: a broker that reports no arguments still names the competing queue after its
    // subscription
    return q.arguments().isEmpty() && names.contains(q.name()) ? q.name() : null;
  }

  private static List<QueueInfo> sorted(List<QueueInfo> queues) {
    if (queues == null) {
      return List.of();
    }
    List<QueueInfo> copy = new ArrayList<>(queues);
    copy.sort(java.util.Comparator.comparing(QueueInfo::name));
    return List.copyOf(copy);
  }

  /**
   * @return the mode the queues' arguments and names show, or {@code null} when they do not say
   */
  Subscription.Mode mode() {
    for (QueueInfo q : queues) {
      if (Boolean.TRUE.equals(q.arguments().get(QueueSpec.SINGLE_ACTIVE_CONSUMER))) {
        return Subscription.Mode.ORDERED;
      }
    }
    for (QueueInfo q : queues) {
      if (q.arguments().containsKey(QueueSpec.EXPIRES)) {
        return Subscription.Mode.BROADCAST;
      }
    }
    for (QueueInfo q : queues) {
      if (q.name().equals(name)) {
        return Subscription.Mode.COMPETING;
      }
    }
    return null;
  }

  /**
   * @return every queue of it: its queues, its wait queues, then its dead-letter queue
   */
  List<String> allQueueNames() {
    List<String> all = new ArrayList<>();
    queues.forEach(q -> all.add(q.name()));
    waits.forEach(q -> all.add(q.name()));
    if (deadLetters != null) {
      all.add(deadLetters.name());
    }
    return all;
  }
}
