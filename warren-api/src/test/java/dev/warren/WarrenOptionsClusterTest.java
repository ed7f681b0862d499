package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several broker addresses: parsing, sharing of credentials, and masking of every password. */
class WarrenOptionsClusterTest {
  @Test
  void aCommaSeparatedListOfUrlsNamesEveryNode() {
    WarrenOptions o =
        WarrenOptions.fromEnvironment(
            Map.of(
                "WARREN_RABBITMQ_URL",
                "amqp://app:s3cret@r1:5672/orders, amqp://app:s3cret@r2:5673/orders"));
    assertThat(o.rabbitmqUris())
        .containsExactly("amqp://app:s3cret@r1:5672/orders", "amqp://app:s3cret@r2:5673/orders");
    assertThat(o.rabbitmqUri())
        .isEqualTo("amqp://app:s3cret@r1:5672/orders,amqp://app:s3cret@r2:5673/orders");
    assertThat(o.rabbitmqUriForDisplay())
        .isEqualTo("amqp://app:***@r1:5672/orders,amqp://app:***@r2:5673/orders");
    assertThat(o.toString()).doesNotContain("s3cret");
  }

  @Test
  void bareHostPortsShareTheFirstUrlsCredentialsVirtualHostAndParameters() {
    WarrenOptions o =
        WarrenOptions.builder()
            .rabbitmqUri("amqps://app:s3cret@r1/orders?heartbeat=5,r2:5671,[::1]:5675,r4")
            .build();
    assertThat(o.rabbitmqUris())
        .containsExactly(
            "amqps://app:s3cret@r1/orders?heartbeat=5",
            "amqps://app:s3cret@r2:5671/orders?heartbeat=5",
            "amqps://app:s3cret@[::1]:5675/orders?heartbeat=5",
            "amqps://app:s3cret@r4/orders?heartbeat=5");
  }

  @Test
  void hostPortsAloneUseTheDefaults() {
    WarrenOptions o = WarrenOptions.builder().rabbitmqUri("127.0.0.1:5701,127.0.0.1:5702").build();
    assertThat(o.rabbitmqUris()).containsExactly("amqp://127.0.0.1:5701", "amqp://127.0.0.1:5702");
    assertThat(o.effectiveTransport()).isEqualTo(WarrenOptions.TransportKind.RABBITMQ);
  }

  @Test
  void aTrailingSlashStillMeansTheDefaultVirtualHostOnEveryNode() {
    WarrenOptions o =
        WarrenOptions.builder().rabbitmqUri("amqp://u:p@r1:5672/,amqp://u:p@r2:5672/").build();
    assertThat(o.rabbitmqUris()).containsExactly("amqp://u:p@r1:5672", "amqp://u:p@r2:5672");
  }

  @Test
  void theBuilderTakesAList() {
    WarrenOptions o =
        WarrenOptions.builder()
            .rabbitmqUris(List.of("amqp://u:p@r1:5672/v", "r2:5672", "r3:5672"))
            .build();
    assertThat(o.rabbitmqUris())
        .containsExactly("amqp://u:p@r1:5672/v", "amqp://u:p@r2:5672/v", "amqp://u:p@r3:5672/v");
    assertThat(o.toBuilder().build().rabbitmqUris()).isEqualTo(o.rabbitmqUris());
    assertThat(WarrenOptions.builder().rabbitmqUris(List.of()).build().rabbitmqUri()).isNull();
    assertThatThrownBy(() -> WarrenOptions.builder().rabbitmqUris(List.of("r1,r2")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'r1,r2'");
  }

  @Test
  void theHostVariableTakesAListToo() {
    WarrenOptions o =
        WarrenOptions.fromEnvironment(
            Map.of(
                "WARREN_RABBITMQ_HOST", "r1, r2:5673,[::1]",
                "WARREN_RABBITMQ_PORT", "5700",
                "WARREN_RABBITMQ_PASSWORD", "s3cret"));
    assertThat(o.rabbitmqUris())
        .containsExactly(
            "amqp://guest:s3cret@r1:5700/%2F",
            "amqp://guest:s3cret@r2:5673/%2F", "amqp://guest:s3cret@[::1]:5700/%2F");
    assertThat(o.rabbitmqUriForDisplay()).doesNotContain("s3cret");
  }

  @Test
  void nodesReachedDifferentlyAreRefusedWithEveryPasswordMasked() {
    assertThatThrownBy(
            () ->
                WarrenOptions.builder()
                    .rabbitmqUri(
                        "amqp://app:first@r1:5672/orders,amqp://ops:second@r2:5672/orders"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "RabbitMQ URL 'amqp://ops:***@r2:5672/orders' differs from"
                + " 'amqp://app:***@r1:5672/orders' in its scheme, credentials, virtual host or"
                + " parameters: every address of one cluster is reached the same way")
        .hasMessageNotContaining("first")
        .hasMessageNotContaining("second");
    assertThatThrownBy(
            () -> WarrenOptions.builder().rabbitmqUri("amqp://u:p@r1/a,amqps://u:p@r2/a"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("differs");
  }

  @Test
  void aBadSecondUrlIsNamedWithItsPasswordMasked() {
    assertThatThrownBy(
            () -> WarrenOptions.builder().rabbitmqUri("amqp://u:one@r1,http://u:two@r2:5672"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("RabbitMQ URL 'http://u:***@r2:5672' must start with amqp:// or amqps://");
    assertThatThrownBy(
            () -> WarrenOptions.builder().rabbitmqUri("amqp://u:one@r1,amqp://u:tw o@r2:5672"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("RabbitMQ URL 'amqp://u:***@r2:5672' is not a valid URI");
    assertThatThrownBy(() -> WarrenOptions.builder().rabbitmqUri("amqp://u:one@r1,,r2"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("RabbitMQ URL list 'amqp://u:***@r1,,r2' has an empty entry");
    assertThatThrownBy(() -> WarrenOptions.builder().rabbitmqUri("amqp://u:one@r1,r2/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("RabbitMQ address 'r2/x' is not a URL nor a host:port");
    assertThatThrownBy(() -> WarrenOptions.builder().rabbitmqUri("amqp://u:one@r1,u:two@r2"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageNotContaining("two");
  }

  @Test
  void maskingHidesPasswordsHoldingSlashesOrAts() {
    assertThat(BrokerUris.mask("amqp://u:pa/ss@h:1/v,amqp://u:p@ss@h2"))
        .isEqualTo("amqp://u:***@h:1/v,amqp://u:***@h2");
    assertThat(BrokerUris.mask("amqp://h:5672,amqp://u@h2")).isEqualTo("amqp://h:5672,amqp://u@h2");
    assertThat(BrokerUris.mask("r1:5672,u:two@r2")).isEqualTo("r1:5672,u:***@r2");
  }
}
