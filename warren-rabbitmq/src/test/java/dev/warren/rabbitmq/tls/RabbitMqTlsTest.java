package dev.warren.rabbitmq.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.TlsOptions;
import dev.warren.WarrenException;
import dev.warren.WarrenOptions;
import dev.warren.rabbitmq.RabbitMqTransport;
import dev.warren.transport.Delivery;
import dev.warren.transport.Message;
import dev.warren.transport.QueueSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code amqps://} against the TLS listener of {@code .ci/rabbitmq-tls}'s node, whose certificate
 * names {@code localhost} only and was signed by the test CA: with a CA bundle, trust stores,
 * mutual TLS, and the failures people meet (an untrusted certificate, a host name the certificate
 * does not have).
 */
class RabbitMqTlsTest {
  private final List<RabbitMqTransport> transports = new ArrayList<>();
  private final String queue = "warren.tls." + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void node() {
    TlsNode.require();
  }

  @AfterEach
  void close() {
    for (RabbitMqTransport t : transports) {
      try {
        t.deleteQueue(queue);
      } catch (RuntimeException ignored) {
        // gone with the test
      }
      t.close();
    }
  }

  private static WarrenOptions options(String host, TlsOptions tls) {
    return WarrenOptions.builder()
        .rabbitmqUri("amqps://guest:guest@" + host + ":" + TlsNode.TLS_PORT)
        .tls(tls)
        .connectTimeout(Duration.ofSeconds(20))
        .build();
  }

  private RabbitMqTransport connect(WarrenOptions options) {
    RabbitMqTransport t = RabbitMqTransport.connect(options);
    transports.add(t);
    return t;
  }

  /** Publishes with a confirm and gets the message back over the TLS connection. */
  private void roundTrip(RabbitMqTransport t) throws Exception {
    t.declareQueue(QueueSpec.durable(queue));
    byte[] body = ("over TLS " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    t.publish("", queue, Message.of(body, Map.of())).get(10, TimeUnit.SECONDS);
    Delivery d = t.get(queue).orElseThrow();
    assertThat(d.message().body()).isEqualTo(body);
    d.ack();
  }

  private static String peerCertificates() {
    return TlsNode.ctl("list_connections", "name", "ssl", "peer_cert_subject");
  }

  @Test
  void connectsWithACaBundle() throws Exception {
    RabbitMqTransport t =
        connect(
            options("localhost", TlsOptions.builder().caBundle(TlsNode.cert("ca.pem")).build()));
    roundTrip(t);
    assertThat(t.describe()).startsWith("connected to localhost:" + TlsNode.TLS_PORT);
  }

  @Test
  void connectsWithAPkcs12OrJksTrustStore() throws Exception {
    for (String store : List.of("truststore.p12", "truststore.jks")) {
      RabbitMqTransport t =
          connect(
              options(
                  "localhost",
                  TlsOptions.builder().trustStore(TlsNode.cert(store), TlsNode.PASSWORD).build()));
      roundTrip(t);
    }
  }

  @Test
  void presentsAClientCertificateFromAKeyStoreOrPemFiles() throws Exception {
    List<TlsOptions> clients =
        List.of(
            TlsOptions.builder()
                .caBundle(TlsNode.cert("ca.pem"))
                .keyStore(TlsNode.cert("client.p12"), TlsNode.PASSWORD)
                .build(),
            TlsOptions.builder()
                .caBundle(TlsNode.cert("ca.pem"))
                .certificate(TlsNode.cert("client.pem"), TlsNode.cert("client.key"))
                .build());
    for (TlsOptions tls : clients) {
      RabbitMqTransport t = connect(options("localhost", tls));
      roundTrip(t);
      // the broker verified it (verify_peer) and shows whose it is
      assertThat(peerCertificates()).contains("CN=warren-test-client");
      t.close();
    }
  }

  @Test
  void anUntrustedCertificateFailsAtOnceSayingSo() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                connect(
                    options(
                        "localhost",
                        TlsOptions.builder().caBundle(TlsNode.cert("other-ca.pem")).build())))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("TLS: the broker's certificate is not trusted")
        .hasMessageContaining("WARREN_RABBITMQ_TLS_CA");
    // why: a certificate stays untrusted; retrying for the connect timeout (20 s) would not help
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aClientCertificateOfAnotherCaIsNotPresented() throws Exception {
    // why: the broker names the CAs it accepts and the JDK offers only a certificate they signed;
    // this node accepts clients without one (fail_if_no_peer_cert = false), so it connects, but
    // as nobody: a broker that requires one refuses the handshake instead
    RabbitMqTransport t =
        connect(
            options(
                "localhost",
                TlsOptions.builder()
                    .caBundle(TlsNode.cert("ca.pem"))
                    .certificate(TlsNode.cert("other-client.pem"), TlsNode.cert("other-client.key"))
                    .build()));
    roundTrip(t);
    assertThat(peerCertificates()).doesNotContain("unrelated-client");
  }

  @Test
  void theJvmTrustStoreDoesNotKnowTheTestCa() {
    assertThatThrownBy(() -> connect(options("localhost", TlsOptions.defaults())))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("TLS: the broker's certificate is not trusted");
  }

  @Test
  void aHostNameTheCertificateDoesNotHaveFailsUnlessVerificationIsOff() throws Exception {
    TlsOptions.Builder tls = TlsOptions.builder().caBundle(TlsNode.cert("ca.pem"));
    assertThatThrownBy(() -> connect(options("127.0.0.1", tls.build())))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("TLS: the broker's certificate does not name the host connected to")
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME=false");

    RabbitMqTransport t = connect(options("127.0.0.1", tls.verifyHostname(false).build()));
    roundTrip(t);
  }
}
