package dev.warren.outbox;

import dev.warren.InvalidInputException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where the outbox and inbox tables live and how the relay works. Immutable; built with a
 * validating {@link Builder}. Set in code: the tables belong to the application's own database,
 * which the application configures.
 *
 * <pre>{@code
 * OutboxOptions options = OutboxOptions.builder()
 *     .schema("orders")                       // tables orders.warren_outbox, orders.warren_inbox
 *     .retention(Duration.ofHours(6))          // sent rows kept this long, then deleted
 *     .degradedAfter(Duration.ofMinutes(2))    // health() is DEGRADED past this backlog age
 *     .build();
 * }</pre>
 */
public final class OutboxOptions {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
  private static final OutboxOptions DEFAULTS = builder().build();

  private final String schema;
  private final String tablePrefix;
  private final int batchSize;
  private final Duration pollInterval;
  private final boolean notify;
  private final Duration maxBackoff;
  private final Duration retention;
  private final Duration inboxRetention;
  private final Duration cleanupInterval;
  private final Duration degradedAfter;

  private OutboxOptions(Builder b) {
    this.schema = b.schema;
    this.tablePrefix = b.tablePrefix;
    this.batchSize = b.batchSize;
    this.pollInterval = b.pollInterval;
    this.notify = b.notify;
    this.maxBackoff = b.maxBackoff;
    this.retention = b.retention;
    this.inboxRetention = b.inboxRetention;
    this.cleanupInterval = b.cleanupInterval;
    this.degradedAfter = b.degradedAfter;
  }

  /**
   * @return the defaults: the connection's current schema, tables {@code warren_outbox} and {@code
   *     warren_inbox}, batches of 256, LISTEN/NOTIFY with a 1 s poll as fallback, backoff up to 5
   *     s, sent rows kept 1 h, inbox rows 7 d, cleanup every minute, degraded after 1 min
   */
  public static OutboxOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.schema = schema;
    b.tablePrefix = tablePrefix;
    b.batchSize = batchSize;
    b.pollInterval = pollInterval;
    b.notify = notify;
    b.maxBackoff = maxBackoff;
    b.retention = retention;
    b.inboxRetention = inboxRetention;
    b.cleanupInterval = cleanupInterval;
    b.degradedAfter = degradedAfter;
    return b;
  }

  /**
   * @return the schema of the tables, or {@code null} for the connection's current schema
   */
  public String schema() {
    return schema;
  }

  /**
   * @return what the table names start with: {@code <prefix>outbox}, {@code <prefix>inbox}
   */
  public String tablePrefix() {
    return tablePrefix;
  }

  /**
   * @return the most events a relay reads at once from one lane; it reads again once fewer than
   *     this many of its events await their confirms
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * @return how often an idle relay looks for events when no notification woke it
   */
  public Duration pollInterval() {
    return pollInterval;
  }

  /**
   * @return whether {@link Outbox#publish} sends a {@code NOTIFY} (delivered at commit) and relays
   *     {@code LISTEN}, so an event is published right after its commit rather than at the next
   *     poll
   */
  public boolean notifyOnCommit() {
    return notify;
  }

  /**
   * @return the longest pause of a relay between attempts while the broker or the database is away
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * @return how long sent outbox rows are kept before the relay deletes them
   */
  public Duration retention() {
    return retention;
  }

  /**
   * @return how long inbox rows are kept; a duplicate arriving later than this is handled again
   */
  public Duration inboxRetention() {
    return inboxRetention;
  }

  /**
   * @return how often sent outbox rows and expired inbox rows are deleted
   */
  public Duration cleanupInterval() {
    return cleanupInterval;
  }

  /**
   * @return the age of the oldest unsent event past which {@link OutboxRelay#health()} says {@link
   *     OutboxHealth.Status#DEGRADED}
   */
  public Duration degradedAfter() {
    return degradedAfter;
  }

  @Override
  public String toString() {
    return "OutboxOptions[schema="
        + schema
        + ", tablePrefix="
        + tablePrefix
        + ", batchSize="
        + batchSize
        + ", pollInterval="
        + pollInterval
        + ", notify="
        + notify
        + ", maxBackoff="
        + maxBackoff
        + ", retention="
        + retention
        + ", inboxRetention="
        + inboxRetention
        + ", cleanupInterval="
        + cleanupInterval
        + ", degradedAfter="
        + degradedAfter
        + "]";
  }

  /** Builds {@link OutboxOptions}; each setter checks its value and names it when it is bad. */
  public static final class Builder {
    private String schema;
    private String tablePrefix = "warren_";
    private int batchSize = 256;
    private Duration pollInterval = Duration.ofSeconds(1);
    private boolean notify = true;
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration retention = Duration.ofHours(1);
    private Duration inboxRetention = Duration.ofDays(7);
    private Duration cleanupInterval = Duration.ofMinutes(1);
    private Duration degradedAfter = Duration.ofMinutes(1);

    private Builder() {}

    /**
     * @param schema lower-case letters, digits and {@code _}, created when missing; {@code null}
     *     for the connection's current schema
     * @return this builder
     * @throws InvalidInputException naming a schema that is no plain identifier
     */
    public Builder schema(String schema) {
      if (schema != null) {
        requireIdentifier("schema", schema);
      }
      this.schema = schema;
      return this;
    }

    /**
     * @param tablePrefix lower-case letters, digits and {@code _}, for example {@code warren_}
     * @return this builder
     * @throws InvalidInputException naming a prefix that is no plain identifier
     */
    public Builder tablePrefix(String tablePrefix) {
      requireIdentifier("tablePrefix", tablePrefix);
      this.tablePrefix = tablePrefix;
      return this;
    }

    /**
     * @param batchSize events read and published at once from one lane, 1 to 10,000
     * @return this builder
     * @throws InvalidInputException when out of range
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 10_000) {
        throw new InvalidInputException(
            "invalid outbox batchSize " + batchSize + ": it must be 1 to 10000");
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * @param pollInterval how often an idle relay looks without a notification, at least 10 ms
     * @return this builder
     * @throws InvalidInputException when shorter
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = atLeast("pollInterval", pollInterval, Duration.ofMillis(10));
      return this;
    }

    /**
     * @param notify whether commits wake the relays with {@code NOTIFY}; off, they find events by
     *     polling only (what a database without LISTEN, or one whose commits are contended, needs)
     * @return this builder
     */
    public Builder notifyOnCommit(boolean notify) {
      this.notify = notify;
      return this;
    }

    /**
     * @param maxBackoff the longest pause between attempts while the broker is away, at least 10 ms
     * @return this builder
     * @throws InvalidInputException when shorter
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = atLeast("maxBackoff", maxBackoff, Duration.ofMillis(10));
      return this;
    }

    /**
     * @param retention how long sent outbox rows are kept; zero deletes them at the next cleanup
     * @return this builder
     * @throws InvalidInputException when negative
     */
    public Builder retention(Duration retention) {
      this.retention = atLeast("retention", retention, Duration.ZERO);
      return this;
    }

    /**
     * @param inboxRetention how long inbox rows are kept; longer than any redelivery can take
     * @return this builder
     * @throws InvalidInputException when not positive
     */
    public Builder inboxRetention(Duration inboxRetention) {
      this.inboxRetention = atLeast("inboxRetention", inboxRetention, Duration.ofSeconds(1));
      return this;
    }

    /**
     * @param cleanupInterval how often old rows are deleted, at least 100 ms
     * @return this builder
     * @throws InvalidInputException when shorter
     */
    public Builder cleanupInterval(Duration cleanupInterval) {
      this.cleanupInterval = atLeast("cleanupInterval", cleanupInterval, Duration.ofMillis(100));
      return this;
    }

    /**
     * @param degradedAfter the backlog age that makes the relay DEGRADED, at least 1 s
     * @return this builder
     * @throws InvalidInputException when shorter
     */
    public Builder degradedAfter(Duration degradedAfter) {
      this.degradedAfter = atLeast("degradedAfter", degradedAfter, Duration.ofSeconds(1));
      return this;
    }

    /**
     * @return the options
     */
    public OutboxOptions build() {
      return new OutboxOptions(this);
    }

    private static void requireIdentifier(String what, String value) {
      if (value == null || !IDENTIFIER.matcher(value).matches()) {
        throw new InvalidInputException(
            "invalid outbox "
                + what
                + " '"
                + value
                + "': lower-case letters, digits and _, not starting with a digit, at most 40");
      }
    }

    private static Duration atLeast(String what, Duration value, Duration least) {
      if (value == null || value.compareTo(least) < 0) {
        throw new InvalidInputException(
            "invalid outbox " + what + " " + value + ": it must be at least " + least);
      }
      return value;
    }
  }
}
