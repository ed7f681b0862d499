package dev.warren;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How Warren's tasks meet Celery's on the same broker (Celery's message protocol 2, JSON only).
 * Immutable; built by a validating {@link Builder}.
 *
 * <p><b>Celery → Warren:</b> a Warren worker registered on a {@linkplain #queues() Celery queue}
 * runs the Celery messages sent there for the task names it registers, and writes each outcome
 * where Celery's {@code AsyncResult} reads it: the {@linkplain #resultBackend() result backend}
 * ({@code redis://host:port/db}, with warren-redis on the class path) or {@code rpc://} (a reply to
 * the message's {@code reply_to} queue). Its handler reads {@code {"args":[…],"kwargs":{…}}}.
 *
 * <p><b>Warren → Celery:</b> {@code tasks.submit(name, args, options)} for a name with a
 * {@linkplain #routes() route} sends a protocol 2 message to the route's queue, for a Celery
 * worker; the handle follows the task in the result backend (which must be readable: {@code
 * redis://}).
 *
 * <pre>{@code
 * WarrenOptions options =
 *     WarrenOptions.builder()
 *         .rabbitmqUri("amqp://guest:guest@localhost:5672/%2F")
 *         .celery(CeleryOptions.builder()
 *             .resultBackend("redis://localhost:6379/0")
 *             .route("reports.pdf", "celery")
 *             .build())
 *         .build();
 * warren.tasks().register("image.render", "celery", ctx -> render(ctx.argsJson()));
 * }</pre>
 */
public final class CeleryOptions {
  /** Celery's default queue, exchange and routing key. */
  public static final String DEFAULT_QUEUE = "celery";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  private static final CeleryOptions DEFAULTS = new Builder().build();

  private final Set<String> queues;
  private final String resultBackend;
  private final Map<String, String> routes;
  private final Duration resultExpires;
  private final boolean revokes;

  private CeleryOptions(Builder b) {
    this.queues = Set.copyOf(b.queues);
    this.resultBackend = b.resultBackend;
    this.routes = Map.copyOf(b.routes);
    this.resultExpires = b.resultExpires;
    this.revokes = b.revokes;
  }

  /**
   * @return the defaults: queue {@code celery}, backend {@code rpc://}, no routes
   */
  public static CeleryOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads {@code WARREN_CELERY_QUEUES} (comma-separated), {@code WARREN_CELERY_RESULT_BACKEND},
   * {@code WARREN_CELERY_ROUTES} ({@code name=queue,…}) and {@code WARREN_CELERY_RESULT_EXPIRES}
   * (seconds).
   *
   * @param get reads one variable, {@code null} when unset
   * @return the options, or {@code null} when none of the variables is set
   * @throws InvalidInputException naming the variable and its bad value
   */
  public static CeleryOptions fromEnvironment(Function<String, String> get) {
    String queues = get.apply("WARREN_CELERY_QUEUES");
    String backend = get.apply("WARREN_CELERY_RESULT_BACKEND");
    String routes = get.apply("WARREN_CELERY_ROUTES");
    String expires = get.apply("WARREN_CELERY_RESULT_EXPIRES");
    if (queues == null && backend == null && routes == null && expires == null) {
      return null;
    }
    Builder b = builder();
    if (queues != null) {
      b.queues(Set.of(queues.split("\\s*,\\s*")));
    }
    if (backend != null) {
      b.resultBackend(backend);
    }
    if (routes != null) {
      for (String route : routes.split("\\s*,\\s*")) {
        int eq = route.indexOf('=');
        if (eq <= 0 || eq == route.length() - 1) {
          throw new InvalidInputException(
              "WARREN_CELERY_ROUTES='" + routes + "': '" + route + "' is not task.name=queue");
        }
        b.route(route.substring(0, eq).trim(), route.substring(eq + 1).trim());
      }
    }
    if (expires != null) {
      try {
        b.resultExpires(Duration.ofSeconds(Long.parseLong(expires.trim())));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(
            "WARREN_CELERY_RESULT_EXPIRES='" + expires + "' is not a number of seconds");
      }
    }
    return b.build();
  }

  /**
   * @return the queues that carry Celery messages: declared as Celery declares them (durable
   *     classic queue, bound to a direct exchange of the same name) and read in both formats
   */
  public Set<String> queues() {
    return queues;
  }

  /**
   * @param queue a task queue
   * @return whether it is one of {@link #queues()}
   */
  public boolean isCeleryQueue(String queue) {
    return queues.contains(queue);
  }

  /**
   * @return where outcomes of Celery tasks are written and read: {@code rpc://} or {@code
   *     redis://host:port/db}
   */
  public String resultBackend() {
    return resultBackend;
  }

  /**
   * @return task names that {@code submit} sends to Celery, each with the queue its Celery workers
   *     consume
   */
  public Map<String, String> routes() {
    return routes;
  }

  /**
   * @param taskName a task name
   * @return the Celery queue it is sent to, or {@code null} when it is a Warren task
   */
  public String routeOf(String taskName) {
    return routes.get(taskName);
  }

  /**
   * @return how long results stay in the result backend (Celery's {@code result_expires})
   */
  public Duration resultExpires() {
    return resultExpires;
  }

  /**
   * @return whether workers follow revokes sent with Celery's {@code app.control.revoke}
   */
  public boolean revokes() {
    return revokes;
  }

  @Override
  public String toString() {
    return "CeleryOptions[queues="
        + queues
        + ", resultBackend="
        + resultBackend.replaceAll("//[^@/]*@", "//***@")
        + ", routes="
        + routes
        + "]";
  }

  /** Builds {@link CeleryOptions}; each setter checks its value. */
  public static final class Builder {
    private Set<String> queues = Set.of(DEFAULT_QUEUE);
    private String resultBackend = "rpc://";
    private final Map<String, String> routes = new LinkedHashMap<>();
    private Duration resultExpires = Duration.ofDays(1);
    private boolean revokes = true;

    private Builder() {}

    /**
     * @param queues the queues that carry Celery messages (default {@code celery})
     * @return this builder
     * @throws InvalidInputException when one is not a queue name
     */
    public Builder queues(Set<String> queues) {
      if (queues == null) {
        throw new InvalidInputException("Celery queues are required, not null");
      }
      Set<String> copy = new LinkedHashSet<>();
      for (String q : queues) {
        copy.add(name("Celery queue", q));
      }
      this.queues = copy;
      return this;
    }

    /**
     * @param url {@code rpc://} (the default) or {@code redis://[:password@]host:port/db}
     * @return this builder
     * @throws InvalidInputException for another scheme
     */
    public Builder resultBackend(String url) {
      String u = url == null ? "" : url.trim();
      String lower = u.toLowerCase(Locale.ROOT);
      if (!(lower.equals("rpc://") || lower.equals("rpc")) && !lower.startsWith("redis://")) {
        throw new InvalidInputException(
            "Celery result backend '" + url + "' is not rpc:// or redis://host:port/db");
      }
      this.resultBackend = lower.startsWith("rpc") ? "rpc://" : u;
      return this;
    }

    /**
     * Sends the task {@code name} to Celery: {@code submit} writes a protocol 2 message to {@code
     * queue}.
     *
     * @param name the Celery task name, as the Python side registered it
     * @param queue the queue its Celery workers consume (usually {@code celery})
     * @return this builder
     * @throws InvalidInputException when either is blank or not a name
     */
    public Builder route(String name, String queue) {
      routes.put(name("Celery task name", name), name("Celery queue", queue));
      return this;
    }

    /**
     * @param expires how long results stay in the backend (default one day)
     * @return this builder
     * @throws InvalidInputException when not positive
     */
    public Builder resultExpires(Duration expires) {
      if (expires == null || expires.isNegative() || expires.isZero()) {
        throw new InvalidInputException("Celery result expiry " + expires + " must be positive");
      }
      this.resultExpires = expires;
      return this;
    }

    /**
     * @param on whether workers follow Celery's revokes (on by default)
     * @return this builder
     */
    public Builder revokes(boolean on) {
      this.revokes = on;
      return this;
    }

    private static String name(String what, String value) {
      if (value == null || !NAME.matcher(value).matches()) {
        throw new InvalidInputException(
            what + " '" + value + "' is invalid: use letters, digits, '.', ':', '-' and '_'");
      }
      return value;
    }

    /**
     * @return the options
     */
    public CeleryOptions build() {
      return new CeleryOptions(this);
    }
  }
}
