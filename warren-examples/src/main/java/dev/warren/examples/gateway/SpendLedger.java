package dev.warren.examples.gateway;

import dev.warren.examples.gateway.GatewayEvents.SpendRequested;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The spend ledger: the database every core instance writes to. It applies each key's spend once
 * and checks the order: a sequence number already applied is a duplicate (skipped, as an
 * at-least-once consumer must), one that skips ahead means an event overtook another.
 */
final class SpendLedger {
  /** A write the database refused for now, as a deadlock victim would be; worth a retry. */
  static final class LedgerBusyException extends Exception {
    private static final long serialVersionUID = 1L;

    LedgerBusyException(String message) {
      super(message);
    }
  }

  private final Map<String, BigDecimal> totals = new TreeMap<>();
  private final Map<String, Long> lastSequence = new HashMap<>();
  private final Map<String, Long> appliedBy = new TreeMap<>();
  private final List<String> outOfOrder = new ArrayList<>();
  private final List<String> refused = new ArrayList<>();
  private final Set<String> refuseOnce = new HashSet<>();
  private long duplicates;

  /**
   * Makes the first write of one spend fail, to show the ordered subscription retrying it in place.
   */
  synchronized void refuseOnce(String keyId, long sequence) {
    refuseOnce.add(keyId + "#" + sequence);
  }

  /**
   * @param instance the core instance writing
   * @param spend the spend to add
   * @throws LedgerBusyException when this write was scripted to fail once
   */
  synchronized void apply(String instance, SpendRequested spend) throws LedgerBusyException {
    String write = spend.keyId() + "#" + spend.sequence();
    if (refuseOnce.remove(write)) {
      refused.add(instance + " " + write);
      throw new LedgerBusyException("ledger busy: write " + write + " chosen as deadlock victim");
    }
    long last = lastSequence.getOrDefault(spend.keyId(), 0L);
    if (spend.sequence() <= last) {
      duplicates++;
      return;
    }
    if (spend.sequence() != last + 1) {
      outOfOrder.add(spend.keyId() + " #" + spend.sequence() + " after #" + last);
    }
    lastSequence.put(spend.keyId(), spend.sequence());
    totals.merge(spend.keyId(), spend.amount(), BigDecimal::add);
    appliedBy.merge(instance, 1L, Long::sum);
  }

  synchronized Map<String, BigDecimal> totals() {
    return new TreeMap<>(totals);
  }

  synchronized long applied() {
    return appliedBy.values().stream().mapToLong(Long::longValue).sum();
  }

  /** How many spends each instance applied, by instance name. */
  synchronized Map<String, Long> appliedBy() {
    return new TreeMap<>(appliedBy);
  }

  synchronized List<String> outOfOrder() {
    return List.copyOf(outOfOrder);
  }

  /** The writes that failed once, as {@code <instance> <key>#<sequence>}. */
  synchronized List<String> refused() {
    return List.copyOf(refused);
  }

  synchronized long duplicates() {
    return duplicates;
  }
}
