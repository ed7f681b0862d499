package dev.warren.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How one task is run: its queue, when, how often it is retried, its time limits and how long its
 * result is kept. Immutable; built with a validating {@link Builder}.
 *
 * <pre>{@code
 * TaskOptions options = TaskOptions.builder()
 *     .countdown(Duration.ofSeconds(30))     // SCHEDULED; the broker holds it until then
 *     .maxRetries(5).retryDelay(Duration.ofSeconds(2))
 *     .softTimeLimit(Duration.ofMinutes(1)).timeLimit(Duration.ofMinutes(2))
 *     .build();
 *
 * TaskOptions urgent = TaskOptions.builder()
 *     .queue(TaskOptions.PRIORITY_QUEUE).priority(9)   // runs before the backlog of lower ones
 *     .limitKey("customer-42")                          // see TaskLimits#perKeyConcurrency()
 *     .build();
 * }</pre>
 *
 * <p><b>Priorities</b> need a priority queue: a task queue whose name ends in {@value
 * #PRIORITY_QUEUE_SUFFIX} is declared as a classic queue with {@code x-max-priority} {@value
 * #MAX_PRIORITY} (RabbitMQ's quorum queues refuse the argument, and a queue's arguments cannot
 * change once it exists, so the name says which kind a queue is). A priority above 0 for any other
 * queue is refused when the options are built.
 */
public final class TaskOptions {
  // why: compiled once; every task message read by a worker checks its queue name
  private static final java.util.regex.Pattern QUEUE_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,200}");

  /** The task queue used when none is given. */
  public static final String DEFAULT_QUEUE = "warren.tasks.default";

  /**
   * The end of a priority queue's name: such a task queue is declared with {@code x-max-priority}
   * {@value #MAX_PRIORITY}, and tasks with a higher {@link #priority()} are delivered first.
   */
  public static final String PRIORITY_QUEUE_SUFFIX = ".priority";

  /** A ready-made priority queue. */
  public static final String PRIORITY_QUEUE = "warren.tasks" + PRIORITY_QUEUE_SUFFIX;

  /** The highest task priority (0 is the lowest and the default). */
  public static final int MAX_PRIORITY = 9;

  private static final TaskOptions DEFAULTS = builder().build();

  private final String queue;
  private final Duration countdown;
  private final Instant eta;
  private final int maxRetries;
  private final Duration retryDelay;
  private final double retryBackoff;
  private final Duration retryMaxDelay;
  private final Duration softTimeLimit;
  private final Duration timeLimit;
  private final Duration resultTtl;
  private final Duration revokeGrace;
  private final int priority;
  private final String limitKey;

  private TaskOptions(Builder b) {
    this.queue = b.queue;
    this.countdown = b.countdown;
    this.eta = b.eta;
    this.maxRetries = b.maxRetries;
    this.retryDelay = b.retryDelay;
    this.retryBackoff = b.retryBackoff;
    this.retryMaxDelay = b.retryMaxDelay;
    this.softTimeLimit = b.softTimeLimit;
    this.timeLimit = b.timeLimit;
    this.resultTtl = b.resultTtl;
    this.revokeGrace = b.revokeGrace;
    this.priority = b.priority;
    this.limitKey = b.limitKey;
  }

  /**
   * @param queue a task queue name
   * @return whether it is a priority queue: its name ends in {@value #PRIORITY_QUEUE_SUFFIX}
   */
  public static boolean isPriorityQueue(String queue) {
    return queue != null && queue.endsWith(PRIORITY_QUEUE_SUFFIX);
  }

  /**
   * @return the defaults: queue {@value #DEFAULT_QUEUE}, run now, 3 retries from 1 s doubling up to
   *     10 min, no time limits, results kept 24 h, 5 s revoke grace
   */
  public static TaskOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return a builder with these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queue = queue;
    b.countdown = countdown;
    b.eta = eta;
    b.maxRetries = maxRetries;
    b.retryDelay = retryDelay;
    b.retryBackoff = retryBackoff;
    b.retryMaxDelay = retryMaxDelay;
    b.softTimeLimit = softTimeLimit;
    b.timeLimit = timeLimit;
    b.resultTtl = resultTtl;
    b.revokeGrace = revokeGrace;
    b.priority = priority;
    b.limitKey = limitKey;
    return b;
  }

  /**
   * @return the task queue
   */
  public String queue() {
    return queue;
  }

  /**
   * @return the delay before it runs, or {@code null}
   */
  public Duration countdown() {
    return countdown;
  }

  /**
   * @return when it should run, or {@code null}
   */
  public Instant eta() {
    return eta;
  }

  /**
   * @param now the submission time
   * @return when it is due: the ETA, now plus the countdown, or now
   */
  public Instant dueAt(Instant now) {
    if (eta != null) {
      return eta;
    }
    return countdown == null ? now : now.plus(countdown);
  }

  /**
   * @return how many times a failed task is tried again
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * @return the delay before the first retry
   */
  public Duration retryDelay() {
    return retryDelay;
  }

  /**
   * @return the factor each further retry delay grows by
   */
  public double retryBackoff() {
    return retryBackoff;
  }

  /**
   * @return the longest retry delay
   */
  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  /**
   * @param retry the retry number, from 1
   * @return the delay before that retry
   */
  public Duration retryDelay(int retry) {
    double ms = retryDelay.toMillis() * Math.pow(retryBackoff, Math.max(0, retry - 1));
    return Duration.ofMillis((long) Math.min(ms, retryMaxDelay.toMillis()));
  }

  /**
   * @return after how long the cancellation signal fires, or {@code null} for no limit
   */
  public Duration softTimeLimit() {
    return softTimeLimit;
  }

  /**
   * @return after how long the task is failed and its worker moves on, or {@code null}
   */
  public Duration timeLimit() {
    return timeLimit;
  }

  /**
   * @return how long the store keeps a final task
   */
  public Duration resultTtl() {
    return resultTtl;
  }

  /**
   * @return how long a revoked running task may take to stop before it is marked revoked anyway
   */
  public Duration revokeGrace() {
    return revokeGrace;
  }

  /**
   * @return the priority, 0 (the default) to {@value #MAX_PRIORITY}; higher runs first on a
   *     priority queue
   */
  public int priority() {
    return priority;
  }

  /**
   * @return the key the task's per-key concurrency limit counts by (a customer id, say), or {@code
   *     null} for none
   */
  public String limitKey() {
    return limitKey;
  }

  @Override
  public String toString() {
    return "TaskOptions[queue="
        + queue
        + ", countdown="
        + countdown
        + ", eta="
        + eta
        + ", maxRetries="
        + maxRetries
        + ", retryDelay="
        + retryDelay
        + ", softTimeLimit="
        + softTimeLimit
        + ", timeLimit="
        + timeLimit
        + ", resultTtl="
        + resultTtl
        + (priority == 0 ? "" : ", priority=" + priority)
        + (limitKey == null ? "" : ", limitKey=" + limitKey)
        + "]";
  }

  /** Builds {@link TaskOptions}; every setter checks its value. */
  public static final class Builder {
    private String queue = DEFAULT_QUEUE;
    private Duration countdown;
    private Instant eta;
    private int maxRetries = 3;
    private Duration retryDelay = Duration.ofSeconds(1);
    private double retryBackoff = 2.0;
    private Duration retryMaxDelay = Duration.ofMinutes(10);
    private Duration softTimeLimit;
    private Duration timeLimit;
    private Duration resultTtl = Duration.ofHours(24);
    private Duration revokeGrace = Duration.ofSeconds(5);
    private int priority;
    private String limitKey;

    private Builder() {}

    /**
     * @param priority 0 (the default) to {@value #MAX_PRIORITY}; above 0 only on a priority queue
     *     (see {@link #isPriorityQueue(String)})
     * @return this builder
     */
    public Builder priority(int priority) {
      if (priority < 0 || priority > MAX_PRIORITY) {
        throw new dev.warren.InvalidInputException(
            "task priority " + priority + " is not between 0 and " + MAX_PRIORITY);
      }
      this.priority = priority;
      return this;
    }

    /**
     * @param limitKey what the task's per-key concurrency limit counts by (1-200 characters, no
     *     control characters); {@code null} for none
     * @return this builder
     */
    public Builder limitKey(String limitKey) {
      if (limitKey != null
          && (limitKey.isEmpty()
              || limitKey.length() > 200
              || limitKey.chars().anyMatch(Character::isISOControl))) {
        throw new dev.warren.InvalidInputException(
            "task limit key '"
                + limitKey
                + "' is invalid: use 1-200 characters without control characters");
      }
      this.limitKey = limitKey;
      return this;
    }

    /**
     * @param queue the task queue; letters, digits, {@code . - _}
     * @return this builder
     */
    public Builder queue(String queue) {
      if (queue == null || !QUEUE_NAME.matcher(queue).matches()) {
        throw new dev.warren.InvalidInputException(
            "task queue '" + queue + "' is invalid: use 1-200 letters, digits, '.', '-' or '_'");
      }
      this.queue = queue;
      return this;
    }

    /**
     * @param countdown how long to wait before running it; clears the ETA
     * @return this builder
     */
    public Builder countdown(Duration countdown) {
      this.countdown = nonNegative("countdown", countdown);
      this.eta = null;
      return this;
    }

    /**
     * @param eta when to run it; clears the countdown
     * @return this builder
     */
    public Builder eta(Instant eta) {
      this.eta = Objects.requireNonNull(eta, "eta");
      this.countdown = null;
      return this;
    }

    /**
     * @param maxRetries how many times a failed task is tried again, 0 or more
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new dev.warren.InvalidInputException(
            "maxRetries must be 0 or more, not " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * @param retryDelay the delay before the first retry, 0 or more
     * @return this builder
     */
    public Builder retryDelay(Duration retryDelay) {
      this.retryDelay = nonNegative("retryDelay", retryDelay);
      return this;
    }

    /**
     * @param retryBackoff the factor each further delay grows by, 1 or more
     * @return this builder
     */
    public Builder retryBackoff(double retryBackoff) {
      if (!(retryBackoff >= 1.0) || Double.isInfinite(retryBackoff)) {
        throw new dev.warren.InvalidInputException(
            "retryBackoff must be 1 or more, not " + retryBackoff);
      }
      this.retryBackoff = retryBackoff;
      return this;
    }

    /**
     * @param retryMaxDelay the longest retry delay
     * @return this builder
     */
    public Builder retryMaxDelay(Duration retryMaxDelay) {
      this.retryMaxDelay = nonNegative("retryMaxDelay", retryMaxDelay);
      return this;
    }

    /**
     * @param softTimeLimit after how long the cancellation signal fires; {@code null} for none
     * @return this builder
     */
    public Builder softTimeLimit(Duration softTimeLimit) {
      this.softTimeLimit = softTimeLimit == null ? null : positive("softTimeLimit", softTimeLimit);
      return this;
    }

    /**
     * @param timeLimit after how long the task is failed and the worker moves on; {@code null} for
     *     none
     * @return this builder
     */
    public Builder timeLimit(Duration timeLimit) {
      this.timeLimit = timeLimit == null ? null : positive("timeLimit", timeLimit);
      return this;
    }

    /**
     * @param resultTtl how long the store keeps a final task, more than zero
     * @return this builder
     */
    public Builder resultTtl(Duration resultTtl) {
      this.resultTtl = positive("resultTtl", resultTtl);
      return this;
    }

    /**
     * @param revokeGrace how long a revoked running task may take to stop
     * @return this builder
     */
    public Builder revokeGrace(Duration revokeGrace) {
      this.revokeGrace = nonNegative("revokeGrace", revokeGrace);
      return this;
    }

    /**
     * @return the options
     * @throws dev.warren.InvalidInputException when the soft time limit is not below the hard one,
     *     or a priority is set for a queue that is no priority queue
     */
    public TaskOptions build() {
      if (priority > 0 && !isPriorityQueue(queue)) {
        throw new dev.warren.InvalidInputException(
            "task priority "
                + priority
                + " needs a priority queue, and '"
                + queue
                + "' is none: use a queue whose name ends in '"
                + PRIORITY_QUEUE_SUFFIX
                + "', for example "
                + PRIORITY_QUEUE);
      }
      if (softTimeLimit != null && timeLimit != null && softTimeLimit.compareTo(timeLimit) >= 0) {
        throw new dev.warren.InvalidInputException(
            "softTimeLimit "
                + softTimeLimit
                + " must be shorter than timeLimit "
                + timeLimit
                + ": the soft one warns the task before the hard one stops it");
      }
      return new TaskOptions(this);
    }

    private static Duration nonNegative(String what, Duration d) {
      if (d == null || d.isNegative()) {
        throw new dev.warren.InvalidInputException(what + " must be zero or more, not " + d);
      }
      return d;
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new dev.warren.InvalidInputException(what + " must be more than zero, not " + d);
      }
      return d;
    }
  }
}
