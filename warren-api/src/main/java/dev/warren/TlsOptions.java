package dev.warren;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an {@code amqps://} connection checks the broker and, for mutual TLS, proves who it is.
 * Immutable; built by a validating {@link Builder}, which reads every file once so that a missing
 * file or a wrong password fails when the options are built, naming the option.
 *
 * <p>The broker's certificate is checked against the JVM's trust store by default, or against a CA
 * bundle (PEM) or a trust store (PKCS12 or JKS) given here; the host name connected to must be one
 * the certificate names, unless that check is switched off. A client certificate is optional: a
 * PKCS12 or JKS key store, or a PEM certificate and its unencrypted PKCS#8 PEM key.
 *
 * <pre>{@code
 * WarrenOptions options =
 *     WarrenOptions.builder()
 *         .rabbitmqUri("amqps://app:secret@rabbit.internal:5671/orders")
 *         .tls(TlsOptions.builder()
 *             .caBundle(Path.of("/etc/warren/ca.pem"))
 *             .keyStore(Path.of("/etc/warren/client.p12"), keyStorePassword)
 *             .build())
 *         .build();
 * }</pre>
 *
 * <p>The transport reads the files when it starts (and {@link Builder#build()} once before, to
 * check them): restart the instance to use renewed certificates. Passwords are never part of {@link
 * #toString()} or of an error message.
 */
public final class TlsOptions {
  private static final TlsOptions DEFAULTS = new Builder().build();
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private final Path caBundle;
  private final Path trustStore;
  private final String trustStorePassword;
  private final Path keyStore;
  private final String keyStorePassword;
  private final Path certificate;
  private final Path key;
  private final boolean verifyHostname;

  private TlsOptions(Builder b) {
    this.caBundle = b.caBundle;
    this.trustStore = b.trustStore;
    this.trustStorePassword = b.trustStorePassword;
    this.keyStore = b.keyStore;
    this.keyStorePassword = b.keyStorePassword;
    this.certificate = b.certificate;
    this.key = b.key;
    this.verifyHostname = b.verifyHostname;
  }

  /**
   * @return the JVM's trust store, host names verified, no client certificate
   */
  public static TlsOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads {@code WARREN_RABBITMQ_TLS_CA}, {@code _TRUSTSTORE}, {@code _TRUSTSTORE_PASSWORD}, {@code
   * _KEYSTORE}, {@code _KEYSTORE_PASSWORD}, {@code _CERT}, {@code _KEY} and {@code
   * _VERIFY_HOSTNAME}.
   *
   * @param get the environment, blank values as {@code null}
   * @return the options, or {@code null} when none of the variables is set
   * @throws InvalidInputException naming the variable whose value is not usable
   */
  static TlsOptions fromEnvironment(Function<String, String> get) {
    String ca = get.apply("WARREN_RABBITMQ_TLS_CA");
    String trust = get.apply("WARREN_RABBITMQ_TLS_TRUSTSTORE");
    String trustPassword = get.apply("WARREN_RABBITMQ_TLS_TRUSTSTORE_PASSWORD");
    String keys = get.apply("WARREN_RABBITMQ_TLS_KEYSTORE");
    String keysPassword = get.apply("WARREN_RABBITMQ_TLS_KEYSTORE_PASSWORD");
    String cert = get.apply("WARREN_RABBITMQ_TLS_CERT");
    String pemKey = get.apply("WARREN_RABBITMQ_TLS_KEY");
    String verify = get.apply("WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME");
    if (ca == null
        && trust == null
        && keys == null
        && cert == null
        && pemKey == null
        && verify == null) {
      if (trustPassword != null || keysPassword != null) {
        throw new InvalidInputException(
            "WARREN_RABBITMQ_TLS_TRUSTSTORE_PASSWORD or _KEYSTORE_PASSWORD is set without"
                + " WARREN_RABBITMQ_TLS_TRUSTSTORE or _KEYSTORE");
      }
      return null;
    }
    Builder b = builder();
    if (ca != null) {
      b.caBundle(Path.of(ca));
    }
    if (trust != null) {
      b.trustStore(Path.of(trust), trustPassword);
    } else if (trustPassword != null) {
      throw new InvalidInputException(
          "WARREN_RABBITMQ_TLS_TRUSTSTORE_PASSWORD is set without WARREN_RABBITMQ_TLS_TRUSTSTORE");
    }
    if (keys != null) {
      b.keyStore(Path.of(keys), keysPassword);
    } else if (keysPassword != null) {
      throw new InvalidInputException(
          "WARREN_RABBITMQ_TLS_KEYSTORE_PASSWORD is set without WARREN_RABBITMQ_TLS_KEYSTORE");
    }
    if (cert != null || pemKey != null) {
      if (cert == null || pemKey == null) {
        throw new InvalidInputException(
            "WARREN_RABBITMQ_TLS_CERT and WARREN_RABBITMQ_TLS_KEY go together: set both or none");
      }
      b.certificate(Path.of(cert), Path.of(pemKey));
    }
    if (verify != null) {
      b.verifyHostname(
          switch (verify.toLowerCase(Locale.ROOT)) {
            case "on", "true", "1", "yes" -> true;
            case "off", "false", "0", "no" -> false;
            default ->
                throw new InvalidInputException(
                    "WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME='" + verify + "' is not true or false");
          });
    }
    return b.build();
  }

  /**
   * @return the CA bundle (PEM) the broker's certificate is checked against, or {@code null}
   */
  public Path caBundle() {
    return caBundle;
  }

  /**
   * @return the trust store (PKCS12 or JKS) the broker's certificate is checked against, or {@code
   *     null}
   */
  public Path trustStore() {
    return trustStore;
  }

  /**
   * @return the client's key store (PKCS12 or JKS), or {@code null}
   */
  public Path keyStore() {
    return keyStore;
  }

  /**
   * @return the client's certificate (PEM), or {@code null}
   */
  public Path certificate() {
    return certificate;
  }

  /**
   * @return the client certificate's private key (PKCS#8 PEM), or {@code null}
   */
  public Path key() {
    return key;
  }

  /**
   * @return whether the host name connected to must be one the broker's certificate names (on by
   *     default)
   */
  public boolean verifyHostname() {
    return verifyHostname;
  }

  /**
   * @return whether these are {@link #defaults()}
   */
  public boolean isDefault() {
    return caBundle == null
        && trustStore == null
        && keyStore == null
        && certificate == null
        && verifyHostname;
  }

  /**
   * The certificates the broker's certificate must chain to, read from the files now.
   *
   * @return a key store of trusted certificates, or {@code null} for the JVM's trust store
   * @throws InvalidInputException naming the option whose file is missing or not usable
   */
  public KeyStore trustedCertificates() {
    if (caBundle != null) {
      List<Certificate> cas = certificates("TLS CA bundle (WARREN_RABBITMQ_TLS_CA)", caBundle);
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
          ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        return ks;
      } catch (IOException | GeneralSecurityException e) {
        throw new InvalidInputException(
            "TLS CA bundle (WARREN_RABBITMQ_TLS_CA) '" + caBundle + "': " + e.getMessage());
      }
    }
    if (trustStore != null) {
      String what = "TLS trust store (WARREN_RABBITMQ_TLS_TRUSTSTORE)";
      KeyStore ks =
          load(what, "WARREN_RABBITMQ_TLS_TRUSTSTORE_PASSWORD", trustStore, trustStorePassword);
      try {
        for (String alias : Collections.list(ks.aliases())) {
          if (ks.isCertificateEntry(alias)) {
            return ks;
          }
        }
      } catch (GeneralSecurityException e) {
        throw new InvalidInputException(what + " '" + trustStore + "': " + e.getMessage());
      }
      throw new InvalidInputException(what + " '" + trustStore + "' holds no trusted certificate");
    }
    return null;
  }

  /**
   * The client's certificate and private key, read from the files now, for mutual TLS.
   *
   * @return a key store held in memory with one key entry whose password is empty, or {@code null}
   *     when no client certificate is configured
   * @throws InvalidInputException naming the option whose file is missing, not usable, or whose
   *     password is wrong
   */
  public KeyStore clientKeys() {
    try {
      if (keyStore != null) {
        String what = "TLS key store (WARREN_RABBITMQ_TLS_KEYSTORE)";
        KeyStore ks =
            load(what, "WARREN_RABBITMQ_TLS_KEYSTORE_PASSWORD", keyStore, keyStorePassword);
        char[] password = keyStorePassword == null ? new char[0] : keyStorePassword.toCharArray();
        for (String alias : Collections.list(ks.aliases())) {
          if (ks.isKeyEntry(alias)) {
            PrivateKey pk;
            try {
              pk = (PrivateKey) ks.getKey(alias, password);
            } catch (UnrecoverableKeyException e) {
              throw new InvalidInputException(
                  what
                      + " '"
                      + keyStore
                      + "': the key of '"
                      + alias
                      + "' has another password than the store's"
                      + " (WARREN_RABBITMQ_TLS_KEYSTORE_PASSWORD)");
            }
            return inMemory(pk, ks.getCertificateChain(alias));
          }
        }
        throw new InvalidInputException(
            what + " '" + keyStore + "' holds no private key with its certificate");
      }
      if (certificate != null) {
        List<Certificate> chain =
            certificates("TLS client certificate (WARREN_RABBITMQ_TLS_CERT)", certificate);
        PrivateKey pk = privateKey(key);
        matches(pk, chain.get(0));
        return inMemory(pk, chain.toArray(Certificate[]::new));
      }
      return null;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidInputException("TLS client certificate: " + e.getMessage());
    }
  }

  private static KeyStore inMemory(PrivateKey pk, Certificate[] chain)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("client", pk, new char[0], chain);
    return ks;
  }

  private static byte[] read(String what, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(what + " '" + file + "': no such file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidInputException(what + " '" + file + "': cannot be read: " + e.getMessage());
    }
  }

  private static List<Certificate> certificates(String what, Path file) {
    byte[] bytes = read(what, file);
    List<Certificate> out;
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      out = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidInputException(
          what + " '" + file + "' is not a PEM certificate file: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new InvalidInputException(what + " '" + file + "' holds no certificate");
    }
    return out;
  }

  private static KeyStore load(String what, String passwordName, Path file, String password) {
    byte[] bytes = read(what, file);
    char[] pw = password == null ? null : password.toCharArray();
    List<String> tried = new ArrayList<>();
    for (String type : List.of("PKCS12", "JKS")) {
      try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(in, pw);
        return ks;
      } catch (IOException e) {
        if (e.getCause() instanceof UnrecoverableKeyException) {
          throw new InvalidInputException(
              what
                  + " '"
                  + file
                  + "': "
                  + (pw == null ? "needs a password (" : "wrong password (")
                  + passwordName
                  + ")");
        }
        tried.add(type + ": " + e.getMessage());
      } catch (GeneralSecurityException e) {
        tried.add(type + ": " + e.getMessage());
      }
    }
    throw new InvalidInputException(
        what
            + " '"
            + file
            + "' is not a PKCS12 or JKS key store ("
            + String.join("; ", tried)
            + ")");
  }

  private static PrivateKey privateKey(Path file) {
    String what = "TLS client key (WARREN_RABBITMQ_TLS_KEY)";
    String text = new String(read(what, file), StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      switch (type) {
        case "PRIVATE KEY" -> {
          byte[] der = Base64.getMimeDecoder().decode(m.group(2));
          for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
              return KeyFactory.getInstance(algorithm)
                  .generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
              // try the next algorithm
            }
          }
          throw new InvalidInputException(what + " '" + file + "': not an RSA, EC or Ed25519 key");
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new InvalidInputException(
                what
                    + " '"
                    + file
                    + "' is a "
                    + type
                    + " (PKCS#1/SEC1); convert it to PKCS#8 with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'");
        case "ENCRYPTED PRIVATE KEY" ->
            throw new InvalidInputException(
                what
                    + " '"
                    + file
                    + "' is encrypted; give an unencrypted key or a PKCS12 key store"
                    + " (WARREN_RABBITMQ_TLS_KEYSTORE) with its password");
        default -> {
          // a certificate next to the key, for example
        }
      }
    }
    throw new InvalidInputException(what + " '" + file + "' holds no PEM private key");
  }

  /** Fails when the key is not the certificate's: a signature it makes must verify. */
  private void matches(PrivateKey pk, Certificate cert) {
    String algorithm =
        switch (pk.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> pk.getAlgorithm();
        };
    try {
      byte[] probe = "warren".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(pk);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another kind than the certificate's
    }
    throw new InvalidInputException(
        "TLS client key (WARREN_RABBITMQ_TLS_KEY) '"
            + key
            + "' is not the key of the certificate (WARREN_RABBITMQ_TLS_CERT) '"
            + certificate
            + "'");
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add(
        caBundle != null
            ? "ca=" + caBundle
            : trustStore != null ? "truststore=" + trustStore : "trust=jvm");
    if (keyStore != null) {
      parts.add("keystore=" + keyStore);
    } else if (certificate != null) {
      parts.add("cert=" + certificate);
    }
    parts.add("verifyHostname=" + verifyHostname);
    return "TlsOptions[" + String.join(", ", parts) + "]";
  }

  /** Builds {@link TlsOptions}; {@link #build()} reads the files and names the one not usable. */
  public static final class Builder {
    private Path caBundle;
    private Path trustStore;
    private String trustStorePassword;
    private Path keyStore;
    private String keyStorePassword;
    private Path certificate;
    private Path key;
    private boolean verifyHostname = true;

    private Builder() {}

    /**
     * @param pem a PEM file of the CA certificates the broker's certificate must chain to, instead
     *     of the JVM's trust store; {@code null} for none
     * @return this builder
     */
    public Builder caBundle(Path pem) {
      this.caBundle = pem;
      return this;
    }

    /**
     * @param store a PKCS12 or JKS trust store of the certificates the broker's must chain to,
     *     instead of the JVM's; {@code null} for none
     * @param password its password, or {@code null} when it has none
     * @return this builder
     */
    public Builder trustStore(Path store, String password) {
      this.trustStore = store;
      this.trustStorePassword = password;
      return this;
    }

    /**
     * @param store a PKCS12 or JKS key store holding the client's private key and certificate, for
     *     mutual TLS; {@code null} for none
     * @param password its password (also its key's)
     * @return this builder
     */
    public Builder keyStore(Path store, String password) {
      this.keyStore = store;
      this.keyStorePassword = password;
      return this;
    }

    /**
     * @param certificate the client's certificate (PEM, optionally followed by its chain), for
     *     mutual TLS; {@code null} for none
     * @param key its private key, unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
     * @return this builder
     */
    public Builder certificate(Path certificate, Path key) {
      this.certificate = certificate;
      this.key = certificate == null ? null : Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * @param verify whether the host name connected to must be one the broker's certificate names;
     *     on by default. Switching it off lets any certificate the trusted CAs signed stand for any
     *     host.
     * @return this builder
     */
    public Builder verifyHostname(boolean verify) {
      this.verifyHostname = verify;
      return this;
    }

    /**
     * @return the options
     * @throws InvalidInputException naming the option whose file is missing or not usable, whose
     *     password is wrong, or two options that exclude each other
     */
    public TlsOptions build() {
      if (caBundle != null && trustStore != null) {
        throw new InvalidInputException(
            "TLS: give a CA bundle (WARREN_RABBITMQ_TLS_CA) or a trust store"
                + " (WARREN_RABBITMQ_TLS_TRUSTSTORE), not both");
      }
      if (keyStore != null && certificate != null) {
        throw new InvalidInputException(
            "TLS: give a key store (WARREN_RABBITMQ_TLS_KEYSTORE) or a certificate and key"
                + " (WARREN_RABBITMQ_TLS_CERT, _KEY), not both");
      }
      TlsOptions options = new TlsOptions(this);
      // why: a missing file or a wrong password is found now, not at the first connection
      options.trustedCertificates();
      options.clientKeys();
      return options;
    }
  }
}
