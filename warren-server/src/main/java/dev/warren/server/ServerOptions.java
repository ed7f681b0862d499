package dev.warren.server;

import dev.warren.InvalidInputException;
import dev.warren.WarrenOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the HTTP server listens and what it accepts. Immutable; built with {@link #builder()} or read
 * from the {@code WARREN_HTTP_*} environment variables.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder().port(0).build(); // 127.0.0.1, a free port
 * WarrenServer server = WarrenServer.start(options, warren);
 * }</pre>
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the port, {@code 8080} by default; {@code 0} picks a free one
 * @param maxEventBytes the largest request body accepted, 1 MiB by default
 * @param apiKeysFile the API keys file, or {@code null} for none (loopback only)
 * @param insecure whether a non-loopback host may be bound without API keys
 * @param publishTimeout how long a publishing request waits for the broker's confirms before it
 *     answers 503, {@value #DEFAULT_PUBLISH_TIMEOUT_SECONDS} s by default ({@code
 *     WARREN_HTTP_PUBLISH_TIMEOUT}); shorter than the instance's own publish timeout so that an
 *     HTTP client hears of an outage before its own timeout
 * @param tlsCertificate a PEM file with the server's certificate (then its chain), to serve HTTPS,
 *     or {@code null} for plain HTTP ({@code WARREN_HTTP_TLS_CERT})
 * @param tlsKey the PEM file with the certificate's private key (PKCS #8, unencrypted: {@code BEGIN
 *     PRIVATE KEY}), or {@code null} ({@code WARREN_HTTP_TLS_KEY}); given with the certificate
 */
public record ServerOptions(
    String host,
    int port,
    int maxEventBytes,
    Path apiKeysFile,
    boolean insecure,
    Duration publishTimeout,
    Path tlsCertificate,
    Path tlsKey) {

  /** Default body limit: 1 MiB. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

  /** Default time a publishing request waits for the broker: 5 s. */
  public static final int DEFAULT_PUBLISH_TIMEOUT_SECONDS = 5;

  /** The longest publish timeout accepted. */
  private static final Duration MAX_PUBLISH_TIMEOUT = Duration.ofMinutes(10);

  /** Validates every value, naming the bad one. */
  public ServerOptions {
    if (host == null || host.isBlank()) {
      throw new InvalidInputException("invalid WARREN_HTTP_HOST '" + host + "': it is empty");
    }
    if (port < 0 || port > 65_535) {
      throw new InvalidInputException("invalid WARREN_HTTP_PORT " + port + ": use 0 to 65535");
    }
    if (maxEventBytes < 1) {
      throw new InvalidInputException(
          "invalid WARREN_MAX_EVENT_BYTES " + maxEventBytes + ": use a positive number of bytes");
    }
    if (publishTimeout == null
        || publishTimeout.isNegative()
        || publishTimeout.isZero()
        || publishTimeout.compareTo(MAX_PUBLISH_TIMEOUT) > 0) {
      throw new InvalidInputException(
          "invalid WARREN_HTTP_PUBLISH_TIMEOUT "
              + publishTimeout
              + ": use a duration above zero and at most 10m, for example 5s");
    }
    if ((tlsCertificate == null) != (tlsKey == null)) {
      throw new InvalidInputException(
          tlsCertificate == null
              ? "WARREN_HTTP_TLS_KEY is set without WARREN_HTTP_TLS_CERT: HTTPS needs both"
              : "WARREN_HTTP_TLS_CERT is set without WARREN_HTTP_TLS_KEY: HTTPS needs both");
    }
  }

  /**
   * @return whether the server serves HTTPS ({@link #tlsCertificate()} and {@link #tlsKey()} set)
   */
  public boolean tls() {
    return tlsCertificate != null;
  }

  /**
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return options from {@code WARREN_HTTP_HOST}, {@code WARREN_HTTP_PORT}, {@code
   *     WARREN_MAX_EVENT_BYTES}, {@code WARREN_API_KEYS_FILE}, {@code WARREN_HTTP_PUBLISH_TIMEOUT},
   *     {@code WARREN_HTTP_TLS_CERT} and {@code WARREN_HTTP_TLS_KEY}
   */
  public static ServerOptions fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * @param env the environment
   * @return options read from it, defaults for what is missing
   * @throws InvalidInputException naming a value that is not valid
   */
  public static ServerOptions fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    String host = env.get("WARREN_HTTP_HOST");
    if (host != null && !host.isBlank()) {
      b.host(host.trim());
    }
    String port = env.get("WARREN_HTTP_PORT");
    if (port != null && !port.isBlank()) {
      b.port(parse("WARREN_HTTP_PORT", port));
    }
    String max = env.get("WARREN_MAX_EVENT_BYTES");
    if (max != null && !max.isBlank()) {
      b.maxEventBytes(parse("WARREN_MAX_EVENT_BYTES", max));
    }
    String keys = env.get("WARREN_API_KEYS_FILE");
    if (keys != null && !keys.isBlank()) {
      b.apiKeysFile(Path.of(keys.trim()));
    }
    String timeout = env.get("WARREN_HTTP_PUBLISH_TIMEOUT");
    if (timeout != null && !timeout.isBlank()) {
      // why: the one duration grammar of Warren (5s, 500ms, PT5S, a bare number is seconds)
      b.publishTimeout(WarrenOptions.parseDuration("WARREN_HTTP_PUBLISH_TIMEOUT", timeout.trim()));
    }
    String cert = env.get("WARREN_HTTP_TLS_CERT");
    if (cert != null && !cert.isBlank()) {
      b.tlsCertificate(Path.of(cert.trim()));
    }
    String key = env.get("WARREN_HTTP_TLS_KEY");
    if (key != null && !key.isBlank()) {
      b.tlsKey(Path.of(key.trim()));
    }
    return b.build();
  }

  private static int parse(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException("invalid " + name + " '" + value + "': not a number", e);
    }
  }

  /**
   * @return whether {@link #host()} is a loopback address
   */
  public boolean isLoopback() {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * @return a builder holding these options
   */
  public Builder toBuilder() {
    return new Builder()
        .host(host)
        .port(port)
        .maxEventBytes(maxEventBytes)
        .apiKeysFile(apiKeysFile)
        .insecure(insecure)
        .publishTimeout(publishTimeout)
        .tlsCertificate(tlsCertificate)
        .tlsKey(tlsKey);
  }

  /** Builds {@link ServerOptions}; {@link #build()} validates. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
    private Path apiKeysFile;
    private boolean insecure;
    private Duration publishTimeout = Duration.ofSeconds(DEFAULT_PUBLISH_TIMEOUT_SECONDS);
    private Path tlsCertificate;
    private Path tlsKey;

    private Builder() {}

    /**
     * @param host the address to bind
     * @return this builder
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * @param port the port; 0 for a free one
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * @param maxEventBytes the largest request body accepted
     * @return this builder
     */
    public Builder maxEventBytes(int maxEventBytes) {
      this.maxEventBytes = maxEventBytes;
      return this;
    }

    /**
     * @param apiKeysFile the API keys file, or {@code null}
     * @return this builder
     */
    public Builder apiKeysFile(Path apiKeysFile) {
      this.apiKeysFile = apiKeysFile;
      return this;
    }

    /**
     * @param insecure whether a non-loopback host may be bound without API keys
     * @return this builder
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * @param publishTimeout how long a publishing request waits for the broker's confirms
     * @return this builder
     */
    public Builder publishTimeout(Duration publishTimeout) {
      this.publishTimeout = publishTimeout;
      return this;
    }

    /**
     * @param tlsCertificate the PEM certificate (chain) to serve HTTPS with, or {@code null}
     * @return this builder
     */
    public Builder tlsCertificate(Path tlsCertificate) {
      this.tlsCertificate = tlsCertificate;
      return this;
    }

    /**
     * @param tlsKey the PEM (PKCS #8) private key of the certificate, or {@code null}
     * @return this builder
     */
    public Builder tlsKey(Path tlsKey) {
      this.tlsKey = tlsKey;
      return this;
    }

    /**
     * @return the options
     * @throws InvalidInputException naming a value that is not valid
     */
    public ServerOptions build() {
      return new ServerOptions(
          host, port, maxEventBytes, apiKeysFile, insecure, publishTimeout, tlsCertificate, tlsKey);
    }
  }
}
