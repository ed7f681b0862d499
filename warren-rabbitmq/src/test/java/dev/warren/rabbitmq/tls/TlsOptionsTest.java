package dev.warren.rabbitmq.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.InvalidInputException;
import dev.warren.TlsOptions;
import dev.warren.WarrenOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS options are checked when built, with the certificates {@code .ci/rabbitmq-tls} generated: a
 * missing file or a wrong password names the option and never prints the password.
 */
class TlsOptionsTest {
  @TempDir Path dir;

  @BeforeEach
  void certificates() {
    TlsNode.require();
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("WARREN_RABBITMQ_URL", "amqps://guest:guest@localhost:" + TlsNode.TLS_PORT);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void theEnvironmentSetsEveryOption() {
    WarrenOptions o =
        WarrenOptions.fromEnvironment(
            env(
                "WARREN_RABBITMQ_TLS_TRUSTSTORE",
                TlsNode.cert("truststore.p12").toString(),
                "WARREN_RABBITMQ_TLS_TRUSTSTORE_PASSWORD",
                TlsNode.PASSWORD,
                "WARREN_RABBITMQ_TLS_KEYSTORE",
                TlsNode.cert("client.p12").toString(),
                "WARREN_RABBITMQ_TLS_KEYSTORE_PASSWORD",
                TlsNode.PASSWORD,
                "WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME",
                "false"));
    assertThat(o.tls().trustStore()).isEqualTo(TlsNode.cert("truststore.p12"));
    assertThat(o.tls().keyStore()).isEqualTo(TlsNode.cert("client.p12"));
    assertThat(o.tls().verifyHostname()).isFalse();
    assertThat(o.tls().clientKeys()).isNotNull();
    assertThat(o.tls().toString()).doesNotContain(TlsNode.PASSWORD);
    assertThat(o.toString()).doesNotContain(TlsNode.PASSWORD);

    WarrenOptions pem =
        WarrenOptions.fromEnvironment(
            env(
                "WARREN_RABBITMQ_TLS_CA", TlsNode.cert("ca.pem").toString(),
                "WARREN_RABBITMQ_TLS_CERT", TlsNode.cert("client.pem").toString(),
                "WARREN_RABBITMQ_TLS_KEY", TlsNode.cert("client.key").toString()));
    assertThat(pem.tls().caBundle()).isEqualTo(TlsNode.cert("ca.pem"));
    assertThat(pem.tls().verifyHostname()).isTrue();
    assertThat(WarrenOptions.fromEnvironment(env()).tls().isDefault()).isTrue();
  }

  @Test
  void aMissingFileNamesTheOption() {
    assertThatThrownBy(
            () -> WarrenOptions.fromEnvironment(env("WARREN_RABBITMQ_TLS_CA", "/nope/ca.pem")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("TLS CA bundle (WARREN_RABBITMQ_TLS_CA) '/nope/ca.pem': no such file");
    assertThatThrownBy(
            () ->
                TlsOptions.builder().keyStore(dir.resolve("client.p12"), TlsNode.PASSWORD).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("TLS key store (WARREN_RABBITMQ_TLS_KEYSTORE)")
        .hasMessageContaining("no such file");
  }

  @Test
  void aWrongPasswordNamesThePasswordOptionAndNotThePassword() {
    for (String store : new String[] {"truststore.p12", "truststore.jks"}) {
      assertThatThrownBy(
              () ->
                  WarrenOptions.fromEnvironment(
                      env(
                          "WARREN_RABBITMQ_TLS_TRUSTSTORE",
                          TlsNode.cert(store).toString(),
                          "WARREN_RABBITMQ_TLS_TRUSTSTORE_PASSWORD",
                          "not-the-Pa55word")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("wrong password (WARREN_RABBITMQ_TLS_TRUSTSTORE_PASSWORD)")
          .hasMessageNotContaining("not-the-Pa55word");
    }
    assertThatThrownBy(
            () ->
                TlsOptions.builder()
                    .keyStore(TlsNode.cert("client.p12"), "not-the-Pa55word")
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("wrong password (WARREN_RABBITMQ_TLS_KEYSTORE_PASSWORD)")
        .hasMessageNotContaining("not-the-Pa55word");
  }

  @Test
  void filesThatAreNotWhatTheOptionWantsAreRefused() throws Exception {
    assertThatThrownBy(() -> TlsOptions.builder().caBundle(TlsNode.cert("client.key")).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_RABBITMQ_TLS_CA");
    // a key that is not the certificate's
    assertThatThrownBy(
            () ->
                TlsOptions.builder()
                    .certificate(TlsNode.cert("client.pem"), TlsNode.cert("server.key"))
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not the key of the certificate (WARREN_RABBITMQ_TLS_CERT)");
    Path pkcs1 = dir.resolve("rsa.key");
    Files.writeString(
        pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(
            () -> TlsOptions.builder().certificate(TlsNode.cert("client.pem"), pkcs1).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void optionsThatExcludeEachOtherOrDoNotApplyAreRefused() {
    assertThatThrownBy(
            () ->
                TlsOptions.builder()
                    .caBundle(TlsNode.cert("ca.pem"))
                    .trustStore(TlsNode.cert("truststore.p12"), TlsNode.PASSWORD)
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () ->
                WarrenOptions.builder()
                    .rabbitmqUri("amqp://guest:guest@localhost:5672")
                    .tls(TlsOptions.builder().caBundle(TlsNode.cert("ca.pem")).build())
                    .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not amqps://");
    assertThatThrownBy(
            () ->
                WarrenOptions.fromEnvironment(env("WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME", "maybe")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("WARREN_RABBITMQ_TLS_VERIFY_HOSTNAME='maybe'");
  }
}
