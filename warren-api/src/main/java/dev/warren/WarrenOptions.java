package dev.warren;

import dev.warren.spi.DataCodec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.function.Function;

/**
 * How a {@link Warren} instance connects and behaves. Immutable; built by a validating {@link
 * Builder} or read from the environment.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><th>variable</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>WARREN_TRANSPORT</td><td>auto, memory or rabbitmq</td><td>auto</td></tr>
 *   <tr><td>WARREN_RABBITMQ_URL</td><td>amqp:// or amqps:// URI; for a cluster, several
 *       separated by commas, or one URI followed by {@code host:port}s that share its credentials
 *       and virtual host (connections go to a random one and move to another when it fails)</td>
 *       <td>none</td></tr>
 *   <tr><td>WARREN_RABBITMQ_HOST, _PORT, _USERNAME, _PASSWORD, _VHOST</td>
 *       <td>the broker, piece by piece, when no URL is given; the host may be a comma-separated
 *       list of {@code host} or {@code host:port}</td><td>-, 5672, guest, guest, /</td></tr>
 *   <tr><td>WARREN_RABBITMQ_PREFETCH</td><td>default prefetch per subscription</td><td>50</td></tr>
 *   <tr><td>WARREN_EXCHANGE</td><td>the topic exchange</td><td>warren.events</td></tr>
 *   <tr><td>WARREN_SOURCE</td><td>CloudEvents source of published events</td>
 *       <td>/warren/&lt;host&gt;</td></tr>
 *   <tr><td>WARREN_PUBLISH_TIMEOUT</td><td>how long a publish waits for the broker's confirm (an
 *       absent broker, a resource alarm) before failing</td>
 *       <td>30s</td></tr>
 *   <tr><td>WARREN_CONNECT_TIMEOUT</td><td>how long start-up retries an unreachable broker</td>
 *       <td>30s</td></tr>
 *   <tr><td>WARREN_CONFIRM_WINDOW</td><td>unconfirmed publishes in flight at most</td>
 *       <td>1024</td></tr>
 *   <tr><td>WARREN_SHUTDOWN_TIMEOUT</td><td>how long close() waits for handlers</td><td>10s</td></tr>
 *   <tr><td>WARREN_TASK_CONCURRENCY</td><td>tasks one instance runs at once per task queue</td>
 *       <td>8</td></tr>
 *   <tr><td>WARREN_TASK_PREFETCH</td><td>tasks one instance holds at once per task queue, running
 *       or next in line (its prefetch on that queue); at least the concurrency</td>
 *       <td>4 × the concurrency</td></tr>
 *   <tr><td>WARREN_TASK_EVENTS</td><td>{@code on} publishes every task's state changes as {@code
 *       task.<name>.<kind>} events</td><td>off</td></tr>
 *   <tr><td>WARREN_STORE_URL</td><td>task and lineage store: {@code memory:},
 *       {@code jdbc:postgresql://…} or {@code redis://…}</td><td>memory:</td></tr>
 *   <tr><td>WARREN_LINEAGE</td><td>{@code off} switches lineage recording off</td><td>on</td></tr>
 *   <tr><td>WARREN_RABBITMQ_MANAGEMENT_URL</td><td>RabbitMQ's management API, for queue listings
 *       and rates</td><td>port 15672 of the broker's host</td></tr>
 *   <tr><td>WARREN_MEMORY_BROKER</td><td>name of a JVM-wide in-memory broker to share</td>
 *       <td>none: a broker per instance</td></tr>
 *   <tr><td>WARREN_RABBITMQ_TLS_CA</td><td>for amqps://: a PEM file of the CA certificates the
 *       broker's certificate must chain to ({@link TlsOptions})</td><td>the JVM's trust
 *       store</td></tr>
 *   <tr><td>WARREN_RABBITMQ_TLS_TRUSTSTORE, _TRUSTSTORE_PASSWORD</td><td>or a PKCS12 or JKS trust
 *       store and its password</td><td>none</td></tr>
 *   <tr><td>WARREN_RABBITMQ_TLS_KEYSTORE, _KEYSTORE_PASSWORD</td><td>mutual TLS: the client's
 *       certificate and key in a PKCS12 or JKS key store, and its password</td><td>none</td></tr>
 *   <tr><td>WARREN_RABBITMQ_TLS_CERT, _KEY</td><td>or mutual TLS from a PEM certificate and its
 *       unencrypted PKCS#8 PEM key</td><td>none</td></tr>
 *   <tr><td>WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME</td><td>{@code false} accepts a certificate that
 *       does not name the host connected to</td><td>true</td></tr>
 *   <tr><td>WARREN_QUEUE_TYPE</td><td>auto, quorum or classic: the type of Warren's durable
 *       queues (subscriptions, wait and dead-letter queues, task queues); auto is quorum when the
 *       broker supports it (RabbitMQ 3.10+)</td><td>auto</td></tr>
 *   <tr><td>WARREN_DELIVERY_LIMIT</td><td>times a message may return to a quorum queue (a
 *       handler that crashes its process each time) before it is dead-lettered; 0 for no
 *       limit</td><td>20</td></tr>
 * </table>
 */
public final class WarrenOptions {
  /** Which transport carries the events. */
  public enum TransportKind {
    /** RabbitMQ when a broker is configured, the embedded in-memory transport otherwise. */
    AUTO,
    /** The embedded in-memory transport: one process, the same semantics. */
    MEMORY,
    /** RabbitMQ. */
    RABBITMQ
  }

  private final TransportKind transport;
  private final List<String> rabbitmqUris;
  private final String exchange;
  private final String source;
  private final int prefetch;
  private final int confirmWindow;
  private final Duration publishTimeout;
  private final Duration connectTimeout;
  private final Duration shutdownTimeout;
  private final int taskConcurrency;
  private final boolean taskEvents;
  private final Integer taskPrefetch;
  private final String instanceId;
  private final String storeUrl;
  private final boolean lineage;
  private final DataCodec codec;
  private final String managementUrl;
  private final String memoryBroker;
  private final TlsOptions tls;
  private final Subscription.QueueType queueType;
  private final int deliveryLimit;
  private final WarrenClock clock;
  private final CeleryOptions celery;
  private final MessageObserver observer;

  private WarrenOptions(Builder b) {
    this.transport = b.transport;
    this.rabbitmqUris = b.rabbitmqUris;
    this.exchange = b.exchange;
    this.source = b.source != null ? b.source : DefaultSource.VALUE;
    this.prefetch = b.prefetch;
    this.confirmWindow = b.confirmWindow;
    this.publishTimeout = b.publishTimeout;
    this.connectTimeout = b.connectTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.taskConcurrency = b.taskConcurrency;
    this.taskEvents = b.taskEvents;
    this.taskPrefetch = b.taskPrefetch;
    this.instanceId = b.instanceId;
    this.storeUrl = b.storeUrl;
    this.lineage = b.lineage;
    this.codec = b.codec;
    this.managementUrl = b.managementUrl;
    this.memoryBroker = b.memoryBroker;
    this.tls = b.tls;
    this.queueType = b.queueType;
    this.deliveryLimit = b.deliveryLimit;
    this.clock = b.clock;
    this.celery = b.celery;
    this.observer = b.observer;
  }

  /**
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return options read from the process environment
   * @throws InvalidInputException naming the variable whose value is invalid
   */
  public static WarrenOptions fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * @param env environment variables
   * @return options read from them
   * @throws InvalidInputException naming the variable whose value is invalid
   */
  public static WarrenOptions fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    Function<String, String> get =
        k -> {
          String v = env.get(k);
          return v == null || v.isBlank() ? null : v.trim();
        };
    String transport = get.apply("WARREN_TRANSPORT");
    if (transport != null) {
      try {
        b.transport(TransportKind.valueOf(transport.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "WARREN_TRANSPORT='" + transport + "' is not one of auto, memory, rabbitmq");
      }
    }
    String url = get.apply("WARREN_RABBITMQ_URL");
    String host = get.apply("WARREN_RABBITMQ_HOST");
    if (url != null) {
      b.rabbitmqUri(url);
    } else if (host != null) {
      String port = get.apply("WARREN_RABBITMQ_PORT");
      int p = port == null ? 5672 : parseInt("WARREN_RABBITMQ_PORT", port);
      String user = Objects.requireNonNullElse(get.apply("WARREN_RABBITMQ_USERNAME"), "guest");
      String pass = Objects.requireNonNullElse(get.apply("WARREN_RABBITMQ_PASSWORD"), "guest");
      String vhost = Objects.requireNonNullElse(get.apply("WARREN_RABBITMQ_VHOST"), "/");
      StringJoiner uris = new StringJoiner(",");
      for (String h : host.split(",", -1)) {
        String one = h.trim();
        // why: a host:port of the list keeps its port; an IPv6 address has one only in brackets
        boolean hasPort = one.matches("(\\[.*]|[^:\\[]*):\\d+");
        uris.add(
            "amqp://"
                + encode(user)
                + ":"
                + encode(pass)
                + "@"
                + (hasPort ? one : one + ":" + p)
                + "/"
                + encode(vhost));
      }
      b.rabbitmqUri(uris.toString());
    }
    String prefetch = get.apply("WARREN_RABBITMQ_PREFETCH");
    if (prefetch != null) {
      b.prefetch(parseInt("WARREN_RABBITMQ_PREFETCH", prefetch));
    }
    String exchange = get.apply("WARREN_EXCHANGE");
    if (exchange != null) {
      b.exchange(exchange);
    }
    String source = get.apply("WARREN_SOURCE");
    if (source != null) {
      b.source(source);
    }
    String window = get.apply("WARREN_CONFIRM_WINDOW");
    if (window != null) {
      b.confirmWindow(parseInt("WARREN_CONFIRM_WINDOW", window));
    }
    String publishTimeout = get.apply("WARREN_PUBLISH_TIMEOUT");
    if (publishTimeout != null) {
      b.publishTimeout(parseDuration("WARREN_PUBLISH_TIMEOUT", publishTimeout));
    }
    String connectTimeout = get.apply("WARREN_CONNECT_TIMEOUT");
    if (connectTimeout != null) {
      b.connectTimeout(parseDuration("WARREN_CONNECT_TIMEOUT", connectTimeout));
    }
    String shutdownTimeout = get.apply("WARREN_SHUTDOWN_TIMEOUT");
    if (shutdownTimeout != null) {
      b.shutdownTimeout(parseDuration("WARREN_SHUTDOWN_TIMEOUT", shutdownTimeout));
    }
    String taskConcurrency = get.apply("WARREN_TASK_CONCURRENCY");
    if (taskConcurrency != null) {
      b.taskConcurrency(parseInt("WARREN_TASK_CONCURRENCY", taskConcurrency));
    }
    String taskPrefetch = get.apply("WARREN_TASK_PREFETCH");
    if (taskPrefetch != null) {
      b.taskPrefetch(parseInt("WARREN_TASK_PREFETCH", taskPrefetch));
    }
    String taskEvents = get.apply("WARREN_TASK_EVENTS");
    if (taskEvents != null) {
      b.taskEvents(parseSwitch("WARREN_TASK_EVENTS", taskEvents));
    }
    String store = get.apply("WARREN_STORE_URL");
    if (store != null) {
      b.storeUrl(store);
    }
    String lineage = get.apply("WARREN_LINEAGE");
    if (lineage != null) {
      b.lineage(parseSwitch("WARREN_LINEAGE", lineage));
    }
    String management = get.apply("WARREN_RABBITMQ_MANAGEMENT_URL");
    if (management != null) {
      b.managementUrl(management);
    }
    String memoryBroker = get.apply("WARREN_MEMORY_BROKER");
    if (memoryBroker != null) {
      b.memoryBroker(memoryBroker);
    }
    CeleryOptions celery = CeleryOptions.fromEnvironment(get);
    if (celery != null) {
      b.celery(celery);
    }
    TlsOptions tls = TlsOptions.fromEnvironment(get);
    if (tls != null) {
      b.tls(tls);
    }
    String queueType = get.apply("WARREN_QUEUE_TYPE");
    if (queueType != null) {
      try {
        b.queueType(Subscription.QueueType.valueOf(queueType.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "WARREN_QUEUE_TYPE='" + queueType + "' is not one of auto, quorum, classic");
      }
    }
    String deliveryLimit = get.apply("WARREN_DELIVERY_LIMIT");
    if (deliveryLimit != null) {
      b.deliveryLimit(parseInt("WARREN_DELIVERY_LIMIT", deliveryLimit));
    }
    return b.build();
  }

  private static boolean parseSwitch(String name, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "on", "true", "1", "yes" -> true;
      case "off", "false", "0", "no" -> false;
      default -> throw new InvalidInputException(name + "='" + value + "' is not on or off");
    };
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + "='" + value + "' is not a whole number");
    }
  }

  /**
   * Reads a duration the way every Warren surface does (options, CLI flags, HTTP parameters):
   * written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, a number of seconds, or ISO-8601
   * ({@code PT30S}).
   *
   * @param name what the value is, for the error message
   * @param value the text
   * @return the duration
   * @throws InvalidInputException naming the value when it is not a duration
   */
  public static Duration parseDuration(String name, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.startsWith("p")) {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } else if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else {
        long n = Long.parseLong(v.replaceAll("[smhd]$", ""));
        d =
            switch (v.charAt(v.length() - 1)) {
              case 'm' -> Duration.ofMinutes(n);
              case 'h' -> Duration.ofHours(n);
              case 'd' -> Duration.ofDays(n);
              default -> Duration.ofSeconds(n);
            };
      }
      if (d.isNegative()) {
        throw new InvalidInputException(name + "='" + value + "' is negative");
      }
      return d;
    } catch (NumberFormatException
        | DateTimeParseException
        | ArithmeticException
        | IndexOutOfBoundsException e) {
      throw new InvalidInputException(
          name + "='" + value + "' is not a duration (examples: 500ms, 30s, 5m, 1h, 1d, PT30S)");
    }
  }

  /**
   * @return the transport asked for
   */
  public TransportKind transport() {
    return transport;
  }

  /**
   * @return the transport that will be used: {@link TransportKind#AUTO} resolved
   */
  public TransportKind effectiveTransport() {
    if (transport != TransportKind.AUTO) {
      return transport;
    }
    return rabbitmqUris.isEmpty() ? TransportKind.MEMORY : TransportKind.RABBITMQ;
  }

  /**
   * @return the RabbitMQ URI, the URIs of a cluster separated by commas, or {@code null} when none
   *     is configured
   */
  public String rabbitmqUri() {
    return rabbitmqUris.isEmpty() ? null : String.join(",", rabbitmqUris);
  }

  /**
   * @return every RabbitMQ node's URI, each complete (a {@code host:port} of the list given with
   *     the credentials and virtual host of its first URI), in the order given; empty when no
   *     broker is configured
   */
  public List<String> rabbitmqUris() {
    return rabbitmqUris;
  }

  /**
   * @return the RabbitMQ URIs with every password masked, for logs and messages, or {@code null}
   *     when none is configured
   */
  public String rabbitmqUriForDisplay() {
    return BrokerUris.mask(rabbitmqUri());
  }

  /**
   * @return the topic exchange events are published to
   */
  public String exchange() {
    return exchange;
  }

  /**
   * @return the CloudEvents source of events published without one
   */
  public String source() {
    return source;
  }

  /**
   * @return the default prefetch per subscription
   */
  public int prefetch() {
    return prefetch;
  }

  /**
   * @return how many publishes may await their confirm at once before publishing waits
   */
  public int confirmWindow() {
    return confirmWindow;
  }

  /**
   * @return how long a publish waits for the broker's confirm before failing with {@link
   *     BrokerUnavailableException}, counted from the call: for an absent broker, a confirm window
   *     slot, or the end of a resource alarm
   */
  public Duration publishTimeout() {
    return publishTimeout;
  }

  /**
   * @return how long start-up keeps retrying an unreachable broker
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * @return how long {@link Warren#close()} waits for in-flight handlers and confirms
   */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * @return how tasks meet Celery's on the same broker ({@link CeleryOptions#defaults()} unless
   *     set)
   */
  public CeleryOptions celery() {
    return celery;
  }

  /**
   * @return how many tasks this instance runs at once per task queue it works on
   */
  public int taskConcurrency() {
    return taskConcurrency;
  }

  /**
   * @return how many tasks this instance holds at once per task queue it works on, running or next
   *     in line: its prefetch on that queue ({@link Builder#taskPrefetch(int)}; 4 × {@link
   *     #taskConcurrency()} unless set)
   */
  public int taskPrefetch() {
    return taskPrefetch != null ? taskPrefetch : Math.min(65_535, 4 * taskConcurrency);
  }

  /**
   * @return whether task state changes are published on the bus as {@code
   *     task.<name>.started|progress|retrying|succeeded|failed|revoked} events (off by default, as
   *     Celery's task events are); task handles complete either way
   */
  public boolean taskEvents() {
    return taskEvents;
  }

  /**
   * @return this instance's id, part of its broadcast queues' names
   */
  public String instanceId() {
    return instanceId;
  }

  /**
   * @return where task states, results and lineage are kept: {@code memory:} (the default), {@code
   *     jdbc:postgresql://…} or {@code redis://…}
   */
  public String storeUrl() {
    return storeUrl;
  }

  /**
   * @return the store URL with its password masked, for logs and messages
   */
  public String storeUrlForDisplay() {
    return storeUrl
        .replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /**
   * @return whether lineage is recorded (on by default)
   */
  public boolean lineage() {
    return lineage;
  }

  /**
   * @return the codec for event data and task arguments and results, or {@code null} for Warren's
   *     JSON codec (Jackson, with java.time support)
   */
  public DataCodec codec() {
    return codec;
  }

  /**
   * @return RabbitMQ's management API base URL, or {@code null} to derive it from the broker's
   *     address (port 15672, or 15671 for amqps, same credentials)
   */
  public String managementUrl() {
    return managementUrl;
  }

  /**
   * @return the name of the JVM-wide in-memory broker this instance shares, or {@code null} when it
   *     has a broker of its own (the default)
   */
  public String memoryBroker() {
    return memoryBroker;
  }

  /**
   * @return how {@code amqps://} connections check the broker and, for mutual TLS, which client
   *     certificate they present; {@link TlsOptions#defaults()} unless set
   */
  public TlsOptions tls() {
    return tls;
  }

  /**
   * @return the type of Warren's durable queues (subscriptions that do not choose one, their wait
   *     and dead-letter queues, task queues): {@link Subscription.QueueType#AUTO} (the default)
   *     declares quorum queues when the broker supports them (RabbitMQ 3.10 and later), classic
   *     queues otherwise
   */
  public Subscription.QueueType queueType() {
    return queueType;
  }

  /**
   * @return how many times a message may return to one of Warren's quorum queues (rejected with
   *     requeue, or held by a consumer whose process or connection died) before the broker
   *     dead-letters it with reason {@code delivery_limit}; {@code 0} for no limit
   */
  public int deliveryLimit() {
    return deliveryLimit;
  }

  /**
   * @return where the in-memory transport reads the time and sets its timers (delayed retries, task
   *     countdowns and ETAs, message and queue TTLs): {@link WarrenClock#system()} unless set
   */
  public WarrenClock clock() {
    return clock;
  }

  /**
   * @return what watches each publish and handler run, to trace them, if set
   */
  public Optional<MessageObserver> observer() {
    return Optional.ofNullable(observer);
  }

  /**
   * @return a builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.transport = transport;
    b.rabbitmqUris = rabbitmqUris;
    b.exchange = exchange;
    b.source = source;
    b.prefetch = prefetch;
    b.confirmWindow = confirmWindow;
    b.publishTimeout = publishTimeout;
    b.connectTimeout = connectTimeout;
    b.shutdownTimeout = shutdownTimeout;
    b.taskConcurrency = taskConcurrency;
    b.taskEvents = taskEvents;
    b.taskPrefetch = taskPrefetch;
    b.instanceId = instanceId;
    b.storeUrl = storeUrl;
    b.lineage = lineage;
    b.codec = codec;
    b.managementUrl = managementUrl;
    b.memoryBroker = memoryBroker;
    b.tls = tls;
    b.queueType = queueType;
    b.deliveryLimit = deliveryLimit;
    b.clock = clock;
    b.celery = celery;
    b.observer = observer;
    return b;
  }

  @Override
  public String toString() {
    return "WarrenOptions[transport="
        + effectiveTransport().name().toLowerCase(Locale.ROOT)
        + (rabbitmqUris.isEmpty() ? "" : ", uri=" + rabbitmqUriForDisplay())
        + ", exchange="
        + exchange
        + ", source="
        + source
        + "]";
  }

  /**
   * The source of instances given none, {@code /warren/<host>}, worked out once per process and
   * only when needed. why: the host name lookup can take seconds where the name does not resolve.
   */
  private static final class DefaultSource {
    static final String VALUE = "/warren/" + host();

    private static String host() {
      String host = System.getenv("HOSTNAME");
      if (host != null && !host.isBlank()) {
        return host;
      }
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        return "localhost";
      }
    }
  }

  /** Builds {@link WarrenOptions}; each setter checks its value and names it when invalid. */
  public static final class Builder {
    private TransportKind transport = TransportKind.AUTO;
    private List<String> rabbitmqUris = List.of();
    private String exchange = "warren.events";
    private String source;
    private int prefetch = 50;
    private int confirmWindow = 1024;
    private Duration publishTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int taskConcurrency = 8;
    private boolean taskEvents;
    private Integer taskPrefetch;
    private String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private String storeUrl = "memory:";
    private boolean lineage = true;
    private DataCodec codec;
    private String managementUrl;
    private String memoryBroker;
    private TlsOptions tls = TlsOptions.defaults();
    private Subscription.QueueType queueType = Subscription.QueueType.AUTO;
    private WarrenClock clock = WarrenClock.system();
    private CeleryOptions celery = CeleryOptions.defaults();
    private int deliveryLimit = 20;
    private MessageObserver observer;

    private Builder() {}

    /**
     * @param transport which transport to use
     * @return this builder
     */
    public Builder transport(TransportKind transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * The broker, or the nodes of a cluster: connections go to one of them at random and, when it
     * fails, move to another.
     *
     * <pre>{@code
     * builder.rabbitmqUri("amqp://app:secret@rabbit-1:5672/orders,rabbit-2:5672,rabbit-3:5672");
     * }</pre>
     *
     * @param uri an {@code amqp://} or {@code amqps://} URI, or several separated by commas; an
     *     entry may be a bare {@code host:port} that shares the credentials, virtual host and
     *     parameters of the list's first URI; {@code null} for none
     * @return this builder
     * @throws InvalidInputException naming the entry (passwords masked) that is not a usable URI or
     *     {@code host:port}, or a URI whose scheme, credentials or virtual host differ from the
     *     first's
     */
    public Builder rabbitmqUri(String uri) {
      this.rabbitmqUris = uri == null ? List.of() : BrokerUris.parse(uri);
      return this;
    }

    /**
     * The nodes of a cluster, as {@link #rabbitmqUri(String)} takes them separated by commas.
     *
     * @param uris {@code amqp://} or {@code amqps://} URIs or bare {@code host:port}s; empty for
     *     none
     * @return this builder
     * @throws InvalidInputException naming the entry that is not usable
     */
    public Builder rabbitmqUris(List<String> uris) {
      Objects.requireNonNull(uris, "uris");
      if (uris.isEmpty()) {
        this.rabbitmqUris = List.of();
        return this;
      }
      for (String u : uris) {
        if (u == null || u.isBlank() || u.contains(",")) {
          throw new InvalidInputException(
              "RabbitMQ URL '" + BrokerUris.mask(u) + "' is not one URI or host:port");
        }
      }
      return rabbitmqUri(String.join(",", uris));
    }

    /**
     * @param exchange the topic exchange name
     * @return this builder
     */
    public Builder exchange(String exchange) {
      if (exchange == null || exchange.isBlank() || exchange.startsWith("amq.")) {
        throw new InvalidInputException(
            "exchange '" + exchange + "' is not valid: give a name not starting with 'amq.'");
      }
      this.exchange = exchange;
      return this;
    }

    /**
     * @param source CloudEvents source for events published without one
     * @return this builder
     */
    public Builder source(String source) {
      if (source == null || source.isBlank()) {
        throw new InvalidInputException("source must not be blank");
      }
      this.source = source;
      return this;
    }

    /**
     * @param prefetch default prefetch per subscription, 1 to 65535
     * @return this builder
     */
    public Builder prefetch(int prefetch) {
      if (prefetch < 1 || prefetch > 65_535) {
        throw new InvalidInputException("prefetch " + prefetch + " is not between 1 and 65535");
      }
      this.prefetch = prefetch;
      return this;
    }

    /**
     * @param confirmWindow unconfirmed publishes in flight at most, 1 to 100000
     * @return this builder
     */
    public Builder confirmWindow(int confirmWindow) {
      if (confirmWindow < 1 || confirmWindow > 100_000) {
        throw new InvalidInputException(
            "confirm window " + confirmWindow + " is not between 1 and 100000");
      }
      this.confirmWindow = confirmWindow;
      return this;
    }

    /**
     * @param timeout how long a publish waits for the broker's confirm (an absent broker, a
     *     resource alarm) before failing
     * @return this builder
     */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive("publish timeout", timeout);
      return this;
    }

    /**
     * @param timeout how long start-up retries an unreachable broker
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connect timeout", timeout);
      return this;
    }

    /**
     * @param timeout how long close waits for in-flight handlers and confirms
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = positive("shutdown timeout", timeout);
      return this;
    }

    /**
     * @param taskConcurrency tasks run at once per task queue, 1 to 1024 (8 by default); 1 runs
     *     them one after the other. The prefetch ({@link #taskPrefetch(int)}) follows it unless
     *     set.
     * @return this builder
     */
    public Builder taskConcurrency(int taskConcurrency) {
      if (taskConcurrency < 1 || taskConcurrency > 1024) {
        throw new InvalidInputException(
            "task concurrency " + taskConcurrency + " is not between 1 and 1024");
      }
      this.taskConcurrency = taskConcurrency;
      return this;
    }

    /**
     * How many tasks an instance holds per task queue, running or next in line (its prefetch on
     * that queue), as Celery's {@code worker_prefetch_multiplier} does: 4 × {@link
     * #taskConcurrency(int)} unless set. why: a worker that finishes a task starts the next one it
     * holds at once, instead of waiting a round trip to the broker for it, which short tasks spend
     * more time on than on themselves. The price: tasks held by a busy instance wait for it while
     * another may be idle, and a priority queue orders only what the broker still has. For long
     * tasks, or strict priorities, set it to the concurrency: then an instance holds only what it
     * runs. Held tasks are not acknowledged: when an instance stops or dies, they go back to the
     * queue.
     *
     * @param taskPrefetch tasks held at once per task queue, from the concurrency up to 65535
     * @return this builder
     */
    public Builder taskPrefetch(int taskPrefetch) {
      if (taskPrefetch < 1 || taskPrefetch > 65_535) {
        throw new InvalidInputException(
            "task prefetch " + taskPrefetch + " is not between 1 and 65535");
      }
      this.taskPrefetch = taskPrefetch;
      return this;
    }

    /**
     * Publishes every task's state changes on the bus as {@code task.<name>.<kind>} CloudEvents
     * ({@code started}, {@code progress}, {@code retrying}, {@code succeeded}, {@code failed},
     * {@code revoked}), for dashboards and subscribers that follow tasks. Off by default: each
     * event is one more confirmed publish per state change, and task handles do not need them
     * (their outcomes travel batched on a channel of their own). It is the publishing instance's
     * switch: turn it on where the tasks run.
     *
     * @param on whether to publish task events (off by default)
     * @return this builder
     */
    public Builder taskEvents(boolean on) {
      this.taskEvents = on;
      return this;
    }

    /**
     * @param instanceId this instance's id; letters, digits, {@code -} and {@code _}
     * @return this builder
     */
    public Builder instanceId(String instanceId) {
      if (instanceId == null || !instanceId.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new InvalidInputException(
            "instance id '" + instanceId + "' is not valid: letters, digits, - and _ only");
      }
      this.instanceId = instanceId;
      return this;
    }

    /**
     * @param url where task states, results and lineage are kept: {@code memory:}, {@code
     *     jdbc:postgresql://host/db?user=…} or {@code redis://host:6379}; {@code null} or blank for
     *     memory
     * @return this builder
     */
    public Builder storeUrl(String url) {
      if (url == null || url.isBlank()) {
        this.storeUrl = "memory:";
        return this;
      }
      String u = url.trim();
      if (!(u.equals("memory:")
          || u.startsWith("jdbc:postgresql:")
          || u.startsWith("postgresql://")
          || u.startsWith("postgres://")
          || u.startsWith("redis://")
          || u.startsWith("rediss://"))) {
        throw new InvalidInputException(
            "store URL '"
                + u.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
                + "' is not memory:, jdbc:postgresql://… or redis://…");
      }
      this.storeUrl = u;
      return this;
    }

    /**
     * @param on whether to record lineage (on by default)
     * @return this builder
     */
    public Builder lineage(boolean on) {
      this.lineage = on;
      return this;
    }

    /**
     * @param codec the codec for event data, task arguments, results and replies, for example
     *     {@code JsonDataCodec.of(applicationMapper)} from warren-core; {@code null} for Warren's
     *     JSON codec
     * @return this builder
     */
    public Builder codec(DataCodec codec) {
      this.codec = codec;
      return this;
    }

    /**
     * @param url RabbitMQ's management API, for example {@code http://127.0.0.1:15672}; {@code
     *     null} to derive it from the broker's address
     * @return this builder
     */
    public Builder managementUrl(String url) {
      if (url != null) {
        URI parsed;
        try {
          parsed = new URI(url.trim());
        } catch (Exception e) {
          throw new InvalidInputException("management URL '" + url + "' is not a valid URI");
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme())
            || parsed.getHost() == null) {
          throw new InvalidInputException(
              "management URL '" + url + "' must be http:// or https:// with a host");
        }
        url = url.trim().replaceAll("/+$", "");
      }
      this.managementUrl = url;
      return this;
    }

    /**
     * Shares a JVM-wide in-memory broker by name: instances given the same name see the same
     * exchanges and queues (the CLI's demo and {@code warren server} use one). By default ({@code
     * null}) every instance has a broker of its own, removed when it closes.
     *
     * @param name the shared broker's name (letters, digits, {@code - _ .}), or {@code null}
     * @return this builder
     */
    public Builder memoryBroker(String name) {
      if (name != null && !name.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new InvalidInputException(
            "memory broker name '" + name + "' is not valid: letters, digits, - _ . only");
      }
      this.memoryBroker = name;
      return this;
    }

    /**
     * How {@code amqps://} connections check the broker (a CA bundle or trust store instead of the
     * JVM's, host name verification) and the client certificate they present for mutual TLS.
     *
     * @param tls the TLS options, validated when built; {@code null} for {@link
     *     TlsOptions#defaults()}
     * @return this builder
     */
    public Builder tls(TlsOptions tls) {
      this.tls = tls == null ? TlsOptions.defaults() : tls;
      return this;
    }

    /**
     * The type of Warren's durable queues. A queue that already exists keeps its type: one found as
     * a classic queue where a quorum queue is wanted is used as it is, with a warning.
     *
     * @param type {@link Subscription.QueueType#AUTO} (quorum when the broker supports it), {@link
     *     Subscription.QueueType#QUORUM} or {@link Subscription.QueueType#CLASSIC}
     * @return this builder
     */
    public Builder queueType(Subscription.QueueType type) {
      this.queueType = Objects.requireNonNull(type, "queueType");
      return this;
    }

    /**
     * @param limit how many times a message may return to a quorum queue before it is
     *     dead-lettered, 0 (no limit) to 10000; it applies to queues declared from now on
     * @return this builder
     */
    public Builder deliveryLimit(int limit) {
      if (limit < 0 || limit > 10_000) {
        throw new InvalidInputException(
            "delivery limit " + limit + " is not between 0 (no limit) and 10000");
      }
      this.deliveryLimit = limit;
      return this;
    }

    /**
     * The clock of the in-memory transport: when delayed retries, task countdowns and ETAs are due
     * and when message and queue TTLs run out. A test gives a virtual clock (warren-test's {@code
     * WarrenHarness} does) so that time passes when the test says so; RabbitMQ keeps its own time,
     * so only the system clock is accepted with it.
     *
     * @param clock the clock; {@code null} for {@link WarrenClock#system()}
     * @return this builder
     */
    public Builder clock(WarrenClock clock) {
      this.clock = clock == null ? WarrenClock.system() : clock;
      return this;
    }

    /**
     * How tasks meet Celery's on the same broker: which queues carry Celery messages, where Celery
     * results go, which task names are sent to Celery.
     *
     * @param celery the Celery options; {@code null} for {@link CeleryOptions#defaults()}
     * @return this builder
     */
    public Builder celery(CeleryOptions celery) {
      this.celery = celery == null ? CeleryOptions.defaults() : celery;
      return this;
    }

    /**
     * What watches each publish and each handler run, to trace them: the Spring Boot starter sets
     * one for Micrometer Observation. OpenTelemetry's global SDK, when installed, traces them
     * without one.
     *
     * @param observer the observer; {@code null} for none
     * @return this builder
     */
    public Builder observer(MessageObserver observer) {
      this.observer = observer;
      return this;
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new InvalidInputException(what + " " + d + " must be positive");
      }
      return d;
    }

    /**
     * @return the options
     * @throws InvalidInputException when RabbitMQ is asked for but no broker is configured
     */
    public WarrenOptions build() {
      if (transport == TransportKind.RABBITMQ && rabbitmqUris.isEmpty()) {
        throw new InvalidInputException(
            "transport rabbitmq needs a broker: set WARREN_RABBITMQ_URL or WARREN_RABBITMQ_HOST");
      }
      if (!tls.isDefault()
          && !rabbitmqUris.isEmpty()
          && rabbitmqUris.stream().noneMatch(u -> u.startsWith("amqps:"))) {
        // why: TLS settings on a plain connection would be ignored without a word
        throw new InvalidInputException(
            "TLS options (WARREN_RABBITMQ_TLS_*) are set but the broker URL is not amqps://"
                + " (set WARREN_RABBITMQ_URL=amqps://…)");
      }
      if (clock != WarrenClock.system() && transport != TransportKind.MEMORY) {
        // why: on RabbitMQ the broker times TTLs and wait queues; another clock would be ignored
        throw new InvalidInputException(
            "clock "
                + clock
                + " needs the memory transport, not "
                + transport.name().toLowerCase(Locale.ROOT)
                + ": RabbitMQ keeps its own time");
      }
      if (taskPrefetch != null && taskPrefetch < taskConcurrency) {
        // why: a worker holding fewer tasks than it may run would leave the rest of its threads
        // idle
        throw new InvalidInputException(
            "task prefetch "
                + taskPrefetch
                + " is below the task concurrency "
                + taskConcurrency
                + ": an instance must hold at least the tasks it runs at once");
      }
      return new WarrenOptions(this);
    }
  }
}
