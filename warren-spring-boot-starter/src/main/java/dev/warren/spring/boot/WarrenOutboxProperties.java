package dev.warren.spring.boot;

import dev.warren.outbox.OutboxOptions;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code warren.outbox.*} properties: whether {@code warren.publish(..)} inside a transaction
 * goes through the transactional outbox, whether this application runs a relay, and the settings of
 * {@link OutboxOptions}. A property left unset keeps {@link OutboxOptions}' default; the options
 * validate the values, and a bad one stops the application naming it.
 *
 * <pre>{@code
 * warren.outbox.schema=orders
 * warren.outbox.degraded-after=2m
 * warren.outbox.relay=false          # this instance only writes; others relay
 * }</pre>
 */
@ConfigurationProperties("warren.outbox")
public class WarrenOutboxProperties {
  /**
   * Whether the outbox is on: publish inside a transaction writes to it and a relay publishes after
   * commit. Default true when warren-outbox and a DataSource are present.
   */
  private boolean enabled = true;

  /**
   * Whether warren.publish(..) inside a read-write transaction goes through the outbox; false
   * leaves publishing direct and the outbox to explicit Outbox.publish calls. Default true.
   */
  private boolean transactional = true;

  /**
   * Whether this application runs a relay (several instances share the work); false in an
   * application that only writes events. Default true.
   */
  private boolean relay = true;

  /** Schema of the outbox and inbox tables; unset for the connection's current schema. */
  private String schema;

  /** What the table names start with: <prefix>outbox, <prefix>inbox. Default warren_. */
  private String tablePrefix;

  /** Most events a relay reads and publishes at once from one lane, 1 to 10000. Default 256. */
  private Integer batchSize;

  /** How often an idle relay looks for events when no notification woke it. Default 1s. */
  private Duration pollInterval;

  /** Whether commits wake the relays with LISTEN/NOTIFY; false polls only. Default true. */
  private Boolean notifyOnCommit;

  /** Longest pause of a relay between attempts while the broker or database is away. Default 5s. */
  private Duration maxBackoff;

  /** How long sent outbox rows are kept before they are deleted. Default 1h. */
  private Duration retention;

  /** How long inbox rows are kept; a duplicate arriving later is handled again. Default 7d. */
  private Duration inboxRetention;

  /** How often sent outbox rows and expired inbox rows are deleted. Default 1m. */
  private Duration cleanupInterval;

  /**
   * Age of the oldest unsent event past which the warrenOutbox health indicator (and readiness) is
   * DOWN. Default 1m.
   */
  private Duration degradedAfter;

  /** Creates the properties with their defaults; Spring Boot binds them. */
  public WarrenOutboxProperties() {}

  /**
   * @return the outbox options: the properties that are set, over {@link OutboxOptions}' defaults
   * @throws dev.warren.InvalidInputException naming the first value the options refuse
   */
  public OutboxOptions toOptions() {
    OutboxOptions.Builder b = OutboxOptions.builder();
    if (schema != null && !schema.isBlank()) {
      b.schema(schema.trim());
    }
    if (tablePrefix != null) {
      b.tablePrefix(tablePrefix);
    }
    if (batchSize != null) {
      b.batchSize(batchSize);
    }
    if (pollInterval != null) {
      b.pollInterval(pollInterval);
    }
    if (notifyOnCommit != null) {
      b.notifyOnCommit(notifyOnCommit);
    }
    if (maxBackoff != null) {
      b.maxBackoff(maxBackoff);
    }
    if (retention != null) {
      b.retention(retention);
    }
    if (inboxRetention != null) {
      b.inboxRetention(inboxRetention);
    }
    if (cleanupInterval != null) {
      b.cleanupInterval(cleanupInterval);
    }
    if (degradedAfter != null) {
      b.degradedAfter(degradedAfter);
    }
    return b.build();
  }

  /**
   * @return whether the outbox is on
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether the outbox is on
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * @return whether publishing in a transaction goes through the outbox
   */
  public boolean isTransactional() {
    return transactional;
  }

  /**
   * @param transactional whether publishing in a transaction goes through the outbox
   */
  public void setTransactional(boolean transactional) {
    this.transactional = transactional;
  }

  /**
   * @return whether this application runs a relay
   */
  public boolean isRelay() {
    return relay;
  }

  /**
   * @param relay whether this application runs a relay
   */
  public void setRelay(boolean relay) {
    this.relay = relay;
  }

  /**
   * @return the schema, or null
   */
  public String getSchema() {
    return schema;
  }

  /**
   * @param schema the schema, or null
   */
  public void setSchema(String schema) {
    this.schema = schema;
  }

  /**
   * @return the table prefix
   */
  public String getTablePrefix() {
    return tablePrefix;
  }

  /**
   * @param tablePrefix the table prefix
   */
  public void setTablePrefix(String tablePrefix) {
    this.tablePrefix = tablePrefix;
  }

  /**
   * @return the batch size
   */
  public Integer getBatchSize() {
    return batchSize;
  }

  /**
   * @param batchSize the batch size
   */
  public void setBatchSize(Integer batchSize) {
    this.batchSize = batchSize;
  }

  /**
   * @return the poll interval
   */
  public Duration getPollInterval() {
    return pollInterval;
  }

  /**
   * @param pollInterval the poll interval
   */
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  /**
   * @return whether commits notify the relays
   */
  public Boolean getNotifyOnCommit() {
    return notifyOnCommit;
  }

  /**
   * @param notifyOnCommit whether commits notify the relays
   */
  public void setNotifyOnCommit(Boolean notifyOnCommit) {
    this.notifyOnCommit = notifyOnCommit;
  }

  /**
   * @return the longest backoff
   */
  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  /**
   * @param maxBackoff the longest backoff
   */
  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  /**
   * @return the retention of sent rows
   */
  public Duration getRetention() {
    return retention;
  }

  /**
   * @param retention the retention of sent rows
   */
  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  /**
   * @return the retention of inbox rows
   */
  public Duration getInboxRetention() {
    return inboxRetention;
  }

  /**
   * @param inboxRetention the retention of inbox rows
   */
  public void setInboxRetention(Duration inboxRetention) {
    this.inboxRetention = inboxRetention;
  }

  /**
   * @return the cleanup interval
   */
  public Duration getCleanupInterval() {
    return cleanupInterval;
  }

  /**
   * @param cleanupInterval the cleanup interval
   */
  public void setCleanupInterval(Duration cleanupInterval) {
    this.cleanupInterval = cleanupInterval;
  }

  /**
   * @return the backlog age that makes the outbox DOWN
   */
  public Duration getDegradedAfter() {
    return degradedAfter;
  }

  /**
   * @param degradedAfter the backlog age that makes the outbox DOWN
   */
  public void setDegradedAfter(Duration degradedAfter) {
    this.degradedAfter = degradedAfter;
  }
}
