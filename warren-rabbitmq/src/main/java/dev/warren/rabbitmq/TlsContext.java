package dev.warren.rabbitmq;

import dev.warren.TlsOptions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/** The SSL context of {@code amqps://} connections, from {@link TlsOptions}, and TLS failures. */
final class TlsContext {
  private TlsContext() {}

  /**
   * @param tls the options
   * @return a context that trusts their CAs (the JVM's when none) and presents their client
   *     certificate, if any
   * @throws GeneralSecurityException when the JVM cannot make one
   */
  static SSLContext of(TlsOptions tls) throws GeneralSecurityException {
    if (tls.isDefault()) {
      return SSLContext.getDefault();
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    // why: null is the JVM's own trust store
    trust.init(tls.trustedCertificates());
    KeyManager[] keys = null;
    KeyStore client = tls.clientKeys();
    if (client != null) {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(client, new char[0]);
      keys = kmf.getKeyManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust.getTrustManagers(), null);
    return context;
  }

  /**
   * @param e a connection failure
   * @return what went wrong in the TLS handshake, for people, or {@code null} when it was not a TLS
   *     failure that retrying cannot fix
   */
  static String failure(Throwable e) {
    SSLException ssl = null;
    CertificateException cert = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException s && ssl == null) {
        ssl = s;
      }
      if (t instanceof CertificateException c && cert == null) {
        cert = c;
      }
    }
    if (cert != null) {
      String m = String.valueOf(cert.getMessage());
      if (m.startsWith("No subject alternative") || m.startsWith("No name matching")) {
        return "the broker's certificate does not name the host connected to ("
            + m
            + "); connect with a host name the certificate has, or switch host name verification"
            + " off (WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME=false)";
      }
      return "the broker's certificate is not trusted ("
          + BrokerErrors.reason(cert)
          + "); give the CA that signed it (WARREN_RABBITMQ_TLS_CA or"
          + " WARREN_RABBITMQ_TLS_TRUSTSTORE)";
    }
    if (ssl instanceof SSLHandshakeException h) {
      String m = String.valueOf(h.getMessage());
      if (m.contains("certificate_required")
          || m.contains("bad_certificate")
          || m.contains("unknown_ca")
          || m.contains("certificate_unknown")) {
        return "the broker refused this client's certificate ("
            + m
            + "); give one its CA signed (WARREN_RABBITMQ_TLS_KEYSTORE or _CERT and _KEY)";
      }
      return "the TLS handshake failed (" + m + ")";
    }
    return null;
  }
}
