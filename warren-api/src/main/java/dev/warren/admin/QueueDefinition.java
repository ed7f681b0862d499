package dev.warren.admin;

import dev.warren.InvalidInputException;
import dev.warren.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A queue for {@link WarrenAdmin#declareQueue}: its name, durability, type and limits, and the
 * patterns that bind it to Warren's event exchange. Immutable; built by a validating {@link
 * Builder}.
 *
 * <pre>{@code
 * QueueDefinition audit = QueueDefinition.durable("audit").binding("order.#")
 *     .messageTtl(Duration.ofDays(7)).maxLength(1_000_000).deadLetterQueue("audit.dlq").build();
 * }</pre>
 *
 * @param name the queue
 * @param durable whether it survives a broker restart
 * @param type classic or quorum
 * @param bindings topic patterns on Warren's event exchange
 * @param messageTtl how long a message may wait, or {@code null} for ever
 * @param maxLength most ready messages kept (the oldest are dropped), or {@code 0} for no limit
 * @param deadLetterQueue the queue that receives expired and rejected messages, or {@code null}
 */
public record QueueDefinition(
    String name,
    boolean durable,
    QueueType type,
    List<String> bindings,
    Duration messageTtl,
    long maxLength,
    String deadLetterQueue) {

  /** The queue types Warren declares. */
  public enum QueueType {
    /** A classic queue: one node's, per-message TTL, the fastest. */
    CLASSIC,
    /** A quorum queue: replicated over the cluster's nodes (Raft); must be durable. */
    QUORUM
  }

  /** Canonical constructor: checks every value. */
  public QueueDefinition {
    checkName("queue", name);
    Objects.requireNonNull(type, "type");
    bindings = bindings == null ? List.of() : List.copyOf(bindings);
    for (String pattern : bindings) {
      String problem = Topics.patternProblem(pattern);
      if (problem != null) {
        throw new InvalidInputException(
            "binding '" + pattern + "' of queue '" + name + "' is invalid: " + problem);
      }
    }
    if (messageTtl != null && (messageTtl.isNegative() || messageTtl.isZero())) {
      throw new InvalidInputException(
          "message TTL " + messageTtl + " of queue '" + name + "' must be positive");
    }
    if (maxLength < 0) {
      throw new InvalidInputException(
          "max length " + maxLength + " of queue '" + name + "' must not be negative");
    }
    if (deadLetterQueue != null) {
      checkName("dead-letter queue", deadLetterQueue);
    }
    if (type == QueueType.QUORUM && !durable) {
      throw new InvalidInputException("quorum queue '" + name + "' must be durable");
    }
  }

  /**
   * Checks a queue name: 1 to 255 characters, not starting with {@code amq.}.
   *
   * @param what what the name is, for the message
   * @param name the name
   * @throws InvalidInputException naming the bad name
   */
  public static void checkName(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException(what + " name must not be blank");
    }
    if (name.length() > 255) {
      throw new InvalidInputException(
          what + " name '" + name.substring(0, 40) + "…' is longer than 255 characters");
    }
    if (name.startsWith("amq.")) {
      throw new InvalidInputException(
          what + " name '" + name + "' is reserved: names starting with 'amq.' are the broker's");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new InvalidInputException(what + " name '" + name + "' has a control character");
      }
    }
  }

  /**
   * @param name the queue
   * @return a builder for a durable classic queue
   */
  public static Builder durable(String name) {
    return new Builder(name, true);
  }

  /**
   * @param name the queue
   * @return a builder for a queue that does not survive a broker restart
   */
  public static Builder transientQueue(String name) {
    return new Builder(name, false);
  }

  /** Builds a {@link QueueDefinition}. */
  public static final class Builder {
    private final String name;
    private final boolean durable;
    private QueueType type = QueueType.CLASSIC;
    private final List<String> bindings = new ArrayList<>();
    private Duration messageTtl;
    private long maxLength;
    private String deadLetterQueue;

    private Builder(String name, boolean durable) {
      this.name = name;
      this.durable = durable;
    }

    /**
     * @param type classic (default) or quorum
     * @return this builder
     */
    public Builder type(QueueType type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * @param pattern a topic pattern on Warren's event exchange, for example {@code order.#}
     * @return this builder
     */
    public Builder binding(String pattern) {
      bindings.add(pattern);
      return this;
    }

    /**
     * @param ttl how long a message may wait before it expires (and is dead-lettered, if a
     *     dead-letter queue is set)
     * @return this builder
     */
    public Builder messageTtl(Duration ttl) {
      this.messageTtl = ttl;
      return this;
    }

    /**
     * @param maxLength most ready messages kept; beyond, the oldest are dropped (or dead-lettered)
     * @return this builder
     */
    public Builder maxLength(long maxLength) {
      this.maxLength = maxLength;
      return this;
    }

    /**
     * @param queue the queue that receives expired and rejected messages
     * @return this builder
     */
    public Builder deadLetterQueue(String queue) {
      this.deadLetterQueue = queue;
      return this;
    }

    /**
     * @return the definition
     * @throws InvalidInputException naming the bad value
     */
    public QueueDefinition build() {
      return new QueueDefinition(
          name, durable, type, bindings, messageTtl, maxLength, deadLetterQueue);
    }
  }
}
