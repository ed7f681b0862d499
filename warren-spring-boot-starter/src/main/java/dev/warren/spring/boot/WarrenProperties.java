package dev.warren.spring.boot;

import dev.warren.Subscription;
import dev.warren.TlsOptions;
import dev.warren.WarrenOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code warren.*} properties: one for each setting of {@link WarrenOptions}, named after its
 * {@code WARREN_*} environment variable ({@code warren.rabbitmq.url} is {@code
 * WARREN_RABBITMQ_URL}), so the variables Warren documents work unchanged in a Spring Boot
 * application. A property left unset keeps {@link WarrenOptions}' default; the options validate the
 * values, and a bad one stops the application naming it.
 *
 * <pre>{@code
 * warren.rabbitmq.url=amqp://app:secret@rabbit:5672/orders
 * warren.exchange=orders.events
 * warren.publish-timeout=10s
 * }</pre>
 */
@ConfigurationProperties("warren")
public class WarrenProperties {
  /**
   * Which transport to use: auto (RabbitMQ when a URL is set, else in memory), memory, rabbitmq.
   */
  private WarrenOptions.TransportKind transport;

  /** The topic exchange events are published to. Default warren.events. */
  private String exchange;

  /** CloudEvents source of the events published without one. Default /warren/host. */
  private String source;

  /** Unconfirmed publishes in flight at most, 1 to 100000. Default 1024. */
  private Integer confirmWindow;

  /** How long a publish waits for the broker's confirm before failing. Default 30s. */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration publishTimeout;

  /** How long start-up retries an unreachable broker. Default 30s. */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration connectTimeout;

  /**
   * How long shutting down waits for running handlers, and then for outstanding confirms. Default
   * 10s.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration shutdownTimeout;

  /** This instance's id: letters, digits, - and _. Default a random one. */
  private String instanceId;

  /** Where task states, results and lineage are kept: memory:, jdbc:postgresql://… or redis://…. */
  private String storeUrl;

  /** Whether to record lineage (what happened to events and what caused them). Default true. */
  private Boolean lineage;

  /** Name of a JVM-wide in-memory broker to share; by default each instance has its own. */
  private String memoryBroker;

  /**
   * The type of Warren's durable queues: auto (quorum when the broker supports it), quorum or
   * classic. Default auto.
   */
  private Subscription.QueueType queueType;

  /**
   * Times a message may return to a quorum queue before it is dead-lettered; 0 for no limit.
   * Default 20.
   */
  private Integer deliveryLimit;

  /** RabbitMQ. */
  @NestedConfigurationProperty private final Rabbitmq rabbitmq = new Rabbitmq();

  /** What the starter adds around Warren. */
  @NestedConfigurationProperty private final Health health = new Health();

  /** Tasks run at once per task queue, 1 to 1024. Default 8. */
  private Integer taskConcurrency;

  /**
   * Tasks held at once per task queue, running or next in line (the prefetch); at least the task
   * concurrency. Default 4 times the task concurrency; set it to the concurrency for long tasks.
   */
  private Integer taskPrefetch;

  /** Whether task state changes are published as task.(name).(kind) events. Default false. */
  private Boolean taskEvents;

  /**
   * @return a builder holding every property that is set, over {@link WarrenOptions}' defaults
   * @throws dev.warren.InvalidInputException naming the first value the options refuse
   */
  public WarrenOptions.Builder toOptions() {
    WarrenOptions.Builder b = WarrenOptions.builder();
    if (transport != null) {
      b.transport(transport);
    }
    if (rabbitmq.url != null && !rabbitmq.url.isBlank()) {
      b.rabbitmqUri(rabbitmq.url.trim());
    }
    if (rabbitmq.prefetch != null) {
      b.prefetch(rabbitmq.prefetch);
    }
    if (rabbitmq.managementUrl != null && !rabbitmq.managementUrl.isBlank()) {
      b.managementUrl(rabbitmq.managementUrl);
    }
    TlsOptions tls = rabbitmq.tls.toOptions();
    if (tls != null) {
      b.tls(tls);
    }
    if (exchange != null) {
      b.exchange(exchange);
    }
    if (source != null) {
      b.source(source);
    }
    if (confirmWindow != null) {
      b.confirmWindow(confirmWindow);
    }
    if (publishTimeout != null) {
      b.publishTimeout(publishTimeout);
    }
    if (connectTimeout != null) {
      b.connectTimeout(connectTimeout);
    }
    if (shutdownTimeout != null) {
      b.shutdownTimeout(shutdownTimeout);
    }
    if (instanceId != null) {
      b.instanceId(instanceId);
    }
    if (storeUrl != null) {
      b.storeUrl(storeUrl);
    }
    if (lineage != null) {
      b.lineage(lineage);
    }
    if (memoryBroker != null && !memoryBroker.isBlank()) {
      b.memoryBroker(memoryBroker);
    }
    if (queueType != null) {
      b.queueType(queueType);
    }
    if (deliveryLimit != null) {
      b.deliveryLimit(deliveryLimit);
    }
    if (taskConcurrency != null) {
      b.taskConcurrency(taskConcurrency);
    }
    if (taskPrefetch != null) {
      b.taskPrefetch(taskPrefetch);
    }
    if (taskEvents != null) {
      b.taskEvents(taskEvents);
    }
    return b;
  }

  /** The {@code warren.rabbitmq.*} properties. */
  public static class Rabbitmq {
    /**
     * amqp:// or amqps:// URI of the broker; for a cluster, several separated by commas, or one URI
     * followed by host:port entries sharing its credentials and virtual host.
     */
    private String url;

    /** Default prefetch of each subscription, 1 to 65535. Default 50. */
    private Integer prefetch;

    /**
     * RabbitMQ's management API, for queue listings and rates. Default port 15672 of the broker.
     */
    private String managementUrl;

    /** TLS of amqps:// connections. */
    @NestedConfigurationProperty private final Tls tls = new Tls();

    /**
     * @return the broker URI(s)
     */
    public String getUrl() {
      return url;
    }

    /**
     * @param url the broker URI(s)
     */
    public void setUrl(String url) {
      this.url = url;
    }

    /**
     * @return the default prefetch
     */
    public Integer getPrefetch() {
      return prefetch;
    }

    /**
     * @param prefetch the default prefetch
     */
    public void setPrefetch(Integer prefetch) {
      this.prefetch = prefetch;
    }

    /**
     * @return the management API's URL
     */
    public String getManagementUrl() {
      return managementUrl;
    }

    /**
     * @param managementUrl the management API's URL
     */
    public void setManagementUrl(String managementUrl) {
      this.managementUrl = managementUrl;
    }

    /**
     * @return the TLS properties
     */
    public Tls getTls() {
      return tls;
    }
  }

  /** The {@code warren.rabbitmq.tls.*} properties, as {@link TlsOptions} takes them. */
  public static class Tls {
    /** PEM file of the CA certificates the broker's certificate must chain to. */
    private Path ca;

    /** PKCS12 or JKS trust store, instead of a CA file. */
    private Path truststore;

    /** Password of the trust store. */
    private String truststorePassword;

    /** Mutual TLS: PKCS12 or JKS key store with the client's certificate and key. */
    private Path keystore;

    /** Password of the key store (and of its key). */
    private String keystorePassword;

    /** Mutual TLS: the client's PEM certificate, with key. */
    private Path cert;

    /** The client's unencrypted PKCS#8 PEM key, with cert. */
    private Path key;

    /** Whether the host name connected to must be one the broker's certificate names. */
    private Boolean verifyHostname;

    TlsOptions toOptions() {
      if (ca == null
          && truststore == null
          && keystore == null
          && cert == null
          && key == null
          && verifyHostname == null) {
        return null;
      }
      TlsOptions.Builder b = TlsOptions.builder();
      if (ca != null) {
        b.caBundle(ca);
      }
      if (truststore != null) {
        b.trustStore(truststore, truststorePassword);
      }
      if (keystore != null) {
        b.keyStore(keystore, keystorePassword);
      }
      if (cert != null || key != null) {
        b.certificate(cert, key);
      }
      if (verifyHostname != null) {
        b.verifyHostname(verifyHostname);
      }
      return b.build();
    }

    /**
     * @return the CA bundle
     */
    public Path getCa() {
      return ca;
    }

    /**
     * @param ca the CA bundle
     */
    public void setCa(Path ca) {
      this.ca = ca;
    }

    /**
     * @return the trust store
     */
    public Path getTruststore() {
      return truststore;
    }

    /**
     * @param truststore the trust store
     */
    public void setTruststore(Path truststore) {
      this.truststore = truststore;
    }

    /**
     * @return the trust store's password
     */
    public String getTruststorePassword() {
      return truststorePassword;
    }

    /**
     * @param truststorePassword the trust store's password
     */
    public void setTruststorePassword(String truststorePassword) {
      this.truststorePassword = truststorePassword;
    }

    /**
     * @return the key store
     */
    public Path getKeystore() {
      return keystore;
    }

    /**
     * @param keystore the key store
     */
    public void setKeystore(Path keystore) {
      this.keystore = keystore;
    }

    /**
     * @return the key store's password
     */
    public String getKeystorePassword() {
      return keystorePassword;
    }

    /**
     * @param keystorePassword the key store's password
     */
    public void setKeystorePassword(String keystorePassword) {
      this.keystorePassword = keystorePassword;
    }

    /**
     * @return the client certificate
     */
    public Path getCert() {
      return cert;
    }

    /**
     * @param cert the client certificate
     */
    public void setCert(Path cert) {
      this.cert = cert;
    }

    /**
     * @return the client key
     */
    public Path getKey() {
      return key;
    }

    /**
     * @param key the client key
     */
    public void setKey(Path key) {
      this.key = key;
    }

    /**
     * @return whether host names are verified
     */
    public Boolean getVerifyHostname() {
      return verifyHostname;
    }

    /**
     * @param verifyHostname whether host names are verified
     */
    public void setVerifyHostname(Boolean verifyHostname) {
      this.verifyHostname = verifyHostname;
    }
  }

  /** The {@code warren.health.*} properties. */
  public static class Health {
    /**
     * Whether Warren's health joins the readiness group (when Spring Boot defines one and its
     * members are not configured), so an instance without its broker takes no traffic.
     */
    private boolean readiness = true;

    /**
     * @return whether the indicator joins the readiness group
     */
    public boolean isReadiness() {
      return readiness;
    }

    /**
     * @param readiness whether the indicator joins the readiness group
     */
    public void setReadiness(boolean readiness) {
      this.readiness = readiness;
    }
  }

  /**
   * @return the transport
   */
  public WarrenOptions.TransportKind getTransport() {
    return transport;
  }

  /**
   * @param transport the transport
   */
  public void setTransport(WarrenOptions.TransportKind transport) {
    this.transport = transport;
  }

  /**
   * @return the exchange
   */
  public String getExchange() {
    return exchange;
  }

  /**
   * @param exchange the exchange
   */
  public void setExchange(String exchange) {
    this.exchange = exchange;
  }

  /**
   * @return the CloudEvents source
   */
  public String getSource() {
    return source;
  }

  /**
   * @param source the CloudEvents source
   */
  public void setSource(String source) {
    this.source = source;
  }

  /**
   * @return the confirm window
   */
  public Integer getConfirmWindow() {
    return confirmWindow;
  }

  /**
   * @param confirmWindow the confirm window
   */
  public void setConfirmWindow(Integer confirmWindow) {
    this.confirmWindow = confirmWindow;
  }

  /**
   * @return the publish timeout
   */
  public Duration getPublishTimeout() {
    return publishTimeout;
  }

  /**
   * @param publishTimeout the publish timeout
   */
  public void setPublishTimeout(Duration publishTimeout) {
    this.publishTimeout = publishTimeout;
  }

  /**
   * @return the connect timeout
   */
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /**
   * @param connectTimeout the connect timeout
   */
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /**
   * @return the shutdown timeout
   */
  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * @param shutdownTimeout the shutdown timeout
   */
  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  /**
   * @return the instance id
   */
  public String getInstanceId() {
    return instanceId;
  }

  /**
   * @param instanceId the instance id
   */
  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  /**
   * @return the store URL
   */
  public String getStoreUrl() {
    return storeUrl;
  }

  /**
   * @param storeUrl the store URL
   */
  public void setStoreUrl(String storeUrl) {
    this.storeUrl = storeUrl;
  }

  /**
   * @return whether lineage is recorded
   */
  public Boolean getLineage() {
    return lineage;
  }

  /**
   * @param lineage whether lineage is recorded
   */
  public void setLineage(Boolean lineage) {
    this.lineage = lineage;
  }

  /**
   * @return the shared in-memory broker's name
   */
  public String getMemoryBroker() {
    return memoryBroker;
  }

  /**
   * @param memoryBroker the shared in-memory broker's name
   */
  public void setMemoryBroker(String memoryBroker) {
    this.memoryBroker = memoryBroker;
  }

  /**
   * @return the queue type
   */
  public Subscription.QueueType getQueueType() {
    return queueType;
  }

  /**
   * @param queueType the queue type
   */
  public void setQueueType(Subscription.QueueType queueType) {
    this.queueType = queueType;
  }

  /**
   * @return the delivery limit
   */
  public Integer getDeliveryLimit() {
    return deliveryLimit;
  }

  /**
   * @param deliveryLimit the delivery limit
   */
  public void setDeliveryLimit(Integer deliveryLimit) {
    this.deliveryLimit = deliveryLimit;
  }

  /**
   * @return the RabbitMQ properties
   */
  public Rabbitmq getRabbitmq() {
    return rabbitmq;
  }

  /**
   * @return the health properties
   */
  public Health getHealth() {
    return health;
  }

  /**
   * @return tasks run at once per task queue
   */
  public Integer getTaskConcurrency() {
    return taskConcurrency;
  }

  /**
   * @param taskConcurrency tasks run at once per task queue
   */
  public void setTaskConcurrency(Integer taskConcurrency) {
    this.taskConcurrency = taskConcurrency;
  }

  /**
   * @return tasks held at once per task queue
   */
  public Integer getTaskPrefetch() {
    return taskPrefetch;
  }

  /**
   * @param taskPrefetch tasks held at once per task queue
   */
  public void setTaskPrefetch(Integer taskPrefetch) {
    this.taskPrefetch = taskPrefetch;
  }

  /**
   * @return whether task events are published
   */
  public Boolean getTaskEvents() {
    return taskEvents;
  }

  /**
   * @param taskEvents whether task events are published
   */
  public void setTaskEvents(Boolean taskEvents) {
    this.taskEvents = taskEvents;
  }
}
