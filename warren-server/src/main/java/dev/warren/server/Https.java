package dev.warren.server;

import dev.warren.InvalidInputException;
import io.javalin.config.JettyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS from a PEM certificate (chain) and its PKCS #8 private key, with Jetty's own TLS: the files
 * are read when the server starts, and a file that cannot be used stops the start with a message
 * naming it.
 */
final class Https {
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private Https() {}

  /** Replaces the server's plain connector with a TLS one on the same host and port. */
  static void serve(JettyConfig jetty, ServerOptions options) {
    // why: the key store lives only in this process's memory; its password protects nothing
    char[] password = "warren".toCharArray();
    KeyStore keyStore = keyStore(options.tlsCertificate(), options.tlsKey(), password);
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStore(keyStore);
    tls.setKeyStorePassword(new String(password));
    jetty.addConnector(
        (server, http) -> {
          HttpConfiguration https = new HttpConfiguration(http);
          // why: clients reach a server by IP address as often as by name; the certificate's names
          // are the client's to check, the server need not refuse a request for another name
          https.addCustomizer(new SecureRequestCustomizer(false));
          ServerConnector connector =
              new ServerConnector(
                  server,
                  new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                  new HttpConnectionFactory(https));
          connector.setHost(options.host());
          connector.setPort(options.port());
          return connector;
        });
  }

  /**
   * @return a key store holding the key and its certificate chain
   * @throws InvalidInputException naming the file that cannot be read or used
   */
  static KeyStore keyStore(Path certificate, Path key, char[] password) {
    List<Certificate> chain = certificates(certificate);
    PrivateKey privateKey = privateKey(key, chain.get(0).getPublicKey().getAlgorithm());
    if (!matches(privateKey, chain.get(0).getPublicKey())) {
      throw new InvalidInputException(
          "the private key in WARREN_HTTP_TLS_KEY "
              + key
              + " is not the key of the certificate in WARREN_HTTP_TLS_CERT "
              + certificate);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("warren", privateKey, password, chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidInputException(
          "the private key in WARREN_HTTP_TLS_KEY "
              + key
              + " does not fit the certificate in WARREN_HTTP_TLS_CERT "
              + certificate
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, PublicKey certified) {
    String algorithm =
        switch (certified.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default -> null;
        };
    if (algorithm == null) {
      return true; // why: an algorithm this check does not know is left to the TLS handshake
    }
    try {
      byte[] challenge = "warren".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static List<Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<Certificate> chain =
          new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (chain.isEmpty()) {
        throw new InvalidInputException(
            "WARREN_HTTP_TLS_CERT " + file + " holds no PEM certificate");
      }
      return chain;
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot read WARREN_HTTP_TLS_CERT " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException(
          "WARREN_HTTP_TLS_CERT " + file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file, String algorithm) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new InvalidInputException(
          "cannot read WARREN_HTTP_TLS_KEY " + file + ": " + e.getMessage(), e);
    }
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new InvalidInputException(
          "WARREN_HTTP_TLS_KEY "
              + file
              + " holds no unencrypted PKCS #8 key ('"
              + BEGIN
              + "'); convert one with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key.pk8>");
    }
    try {
      byte[] der =
          Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end).strip());
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new InvalidInputException(
          "WARREN_HTTP_TLS_KEY "
              + file
              + " is not a "
              + algorithm
              + " private key for the certificate: "
              + e.getMessage(),
          e);
    }
  }
}
