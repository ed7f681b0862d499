package dev.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.InvalidInputException;
import dev.warren.Warren;
import dev.warren.WarrenOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from a PEM certificate and key made by {@code openssl} at test time: the server answers
 * over TLS, a client that does not trust the certificate is refused, and files that cannot serve
 * stop the start with a message naming them.
 */
class HttpsTest {
  @TempDir static Path dir;
  static Warren warren;

  @BeforeAll
  static void start() {
    warren = Warren.create(WarrenOptions.builder().memoryBroker("server-https-test").build());
  }

  @AfterAll
  static void stop() {
    warren.close();
  }

  /** Makes a self-signed certificate for localhost and 127.0.0.1 with openssl. */
  static Path[] certificate(String name, String... keyOptions) throws Exception {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    List<String> command =
        new java.util.ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "1"));
    command.addAll(List.of(keyOptions));
    command.addAll(
        List.of(
            "-keyout",
            key.toString(),
            "-out",
            cert.toString(),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1"));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("openssl is not installed: " + e.getMessage());
      throw e;
    }
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return new Path[] {cert, key};
  }

  static SSLContext trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }

  @Test
  void servesHttpsFromAPemCertificateAndKey() throws Exception {
    for (String[] keyType :
        new String[][] {
          {"-newkey", "rsa:2048"}, {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"}
        }) {
      Path[] pem = certificate("server-" + keyType[1].replace(':', '-'), keyType);
      WarrenServer server =
          WarrenServer.start(
              ServerOptions.builder().port(0).tlsCertificate(pem[0]).tlsKey(pem[1]).build(),
              warren);
      try {
        assertThat(server.scheme()).isEqualTo("https");
        Http https = new Http("https://127.0.0.1:" + server.port(), trusting(pem[0]));
        assertThat(https.get("/health/ready").statusCode()).isEqualTo(200);
        var published =
            https.send("POST", "/publish/tls.test", "application/json", "{\"secure\":true}");
        assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
        Http https2 = new Http("https://localhost:" + server.port(), trusting(pem[0]));
        assertThat(https2.get("/health/live").statusCode()).isEqualTo(200);

        // a client that does not trust the certificate does not get through
        Http untrusting = new Http("https://127.0.0.1:" + server.port(), SSLContext.getDefault());
        assertThatThrownBy(() -> untrusting.raw("GET", "/health/live", null, null))
            .hasMessageContaining("PKIX");
        // plain HTTP to the TLS port gets no HTTP answer
        Http plain = new Http(server.port());
        assertThatThrownBy(() -> plain.raw("GET", "/health/live", null, null))
            .isInstanceOf(AssertionError.class);
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void filesThatCannotServeStopTheStartNamingThem() throws Exception {
    Path[] a = certificate("a", "-newkey", "rsa:2048");
    Path[] b = certificate("b", "-newkey", "rsa:2048");
    ServerOptions mismatched =
        ServerOptions.builder().port(0).tlsCertificate(a[0]).tlsKey(b[1]).build();
    assertThatThrownBy(() -> WarrenServer.start(mismatched, warren).stop())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not the key of the certificate")
        .hasMessageContaining("b.key");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    assertThatThrownBy(
            () ->
                WarrenServer.start(
                        ServerOptions.builder()
                            .port(0)
                            .tlsCertificate(garbage)
                            .tlsKey(a[1])
                            .build(),
                        warren)
                    .stop())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_HTTP_TLS_CERT")
        .hasMessageContaining("garbage.pem");
    assertThatThrownBy(
            () ->
                WarrenServer.start(
                        ServerOptions.builder()
                            .port(0)
                            .tlsCertificate(a[0])
                            .tlsKey(garbage)
                            .build(),
                        warren)
                    .stop())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_HTTP_TLS_KEY")
        .hasMessageContaining("BEGIN PRIVATE KEY");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(
            () ->
                WarrenServer.start(
                        ServerOptions.builder()
                            .port(0)
                            .tlsCertificate(missing)
                            .tlsKey(a[1])
                            .build(),
                        warren)
                    .stop())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("missing.pem");
    assertThatThrownBy(() -> ServerOptions.builder().tlsCertificate(a[0]).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_HTTP_TLS_KEY");
    assertThat(
            ServerOptions.fromEnvironment(
                    java.util.Map.of(
                        "WARREN_HTTP_TLS_CERT",
                        a[0].toString(),
                        "WARREN_HTTP_TLS_KEY",
                        a[1].toString()))
                .tls())
        .isTrue();
  }
}
