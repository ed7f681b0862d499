package dev.warren.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.warren.WarrenException;
import dev.warren.transport.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Message to AMQP properties and back, without a broker. */
class MessageMapperTest {
  @Test
  void everyPropertyMapsOntoItsAmqpField() {
    Instant time = Instant.parse("2026-01-02T03:04:05Z");
    Message m =
        new Message(
            "id-1",
            "order.created",
            "application/json",
            "corr-1",
            "billing",
            time,
            60_000L,
            true,
            Map.of("n", 1L),
            "{}".getBytes(StandardCharsets.UTF_8));
    AMQP.BasicProperties p = MessageMapper.toProperties(m);
    assertThat(p.getMessageId()).isEqualTo("id-1");
    assertThat(p.getType()).isEqualTo("order.created");
    assertThat(p.getContentType()).isEqualTo("application/json");
    assertThat(p.getCorrelationId()).isEqualTo("corr-1");
    assertThat(p.getAppId()).isEqualTo("billing");
    assertThat(p.getTimestamp()).isEqualTo(Date.from(time));
    assertThat(p.getExpiration()).isEqualTo("60000");
    assertThat(p.getDeliveryMode()).isEqualTo(2);
    assertThat(p.getHeaders()).containsEntry("n", 1L);

    Message back = MessageMapper.toMessage(p, m.body());
    assertThat(back.withHeaders(Map.of()))
        .usingRecursiveComparison()
        .isEqualTo(m.withHeaders(Map.of()));
    assertThat(back.headers()).containsEntry("n", 1L);
  }

  @Test
  void transientMessagesHaveDeliveryModeOneAndNoHeaderTable() {
    Message m = new Message(null, null, null, null, null, null, null, false, Map.of(), new byte[0]);
    AMQP.BasicProperties p = MessageMapper.toProperties(m);
    assertThat(p.getDeliveryMode()).isEqualTo(1);
    assertThat(p.getHeaders()).isNull();
    assertThat(p.getExpiration()).isNull();
    assertThat(MessageMapper.toMessage(p, new byte[0]).persistent()).isFalse();
  }

  @Test
  void receivedLongStringsBecomeStringsAlsoInsideListsAndTables() {
    Map<String, Object> death = new LinkedHashMap<>();
    death.put("queue", LongStringHelper.asLongString("orders"));
    death.put("reason", LongStringHelper.asLongString("rejected"));
    death.put("count", 2L);
    death.put("time", new Date(1_700_000_000_000L));
    death.put("routing-keys", List.of(LongStringHelper.asLongString("order.created")));
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("x-death", List.of(death));
    headers.put("plain", LongStringHelper.asLongString("text"));
    headers.put("small", (short) 7);
    AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().headers(headers).build();

    Message m = MessageMapper.toMessage(p, new byte[0]);

    assertThat(m.headers().get("plain")).isEqualTo("text");
    assertThat(m.headers().get("small")).isEqualTo((short) 7);
    assertThat(m.headers().get("x-death"))
        .isEqualTo(
            List.of(
                Map.of(
                    "queue",
                    "orders",
                    "reason",
                    "rejected",
                    "count",
                    2L,
                    "time",
                    Instant.parse("2023-11-14T22:13:20Z"),
                    "routing-keys",
                    List.of("order.created"))));
  }

  @Test
  void aHeaderAmqpCannotCarryIsRefusedBeforePublishing() {
    Message m = Message.of(new byte[0], Map.of("id", UUID.randomUUID()));
    assertThatThrownBy(() -> MessageMapper.toProperties(m))
        .isInstanceOf(WarrenException.class)
        .hasMessageContaining("header 'id'")
        .hasMessageContaining("java.util.UUID");
  }

  @Test
  void malformedForeignExpirationReadsAsNone() {
    AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().expiration("soon").build();
    assertThat(MessageMapper.toMessage(p, new byte[0]).expiration()).isNull();
  }
}
