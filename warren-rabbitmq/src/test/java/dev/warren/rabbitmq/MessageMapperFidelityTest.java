package dev.warren.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.warren.transport.Message;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a foreign client sent survives Warren's round trip (received, then republished as a retry or
 * a dead letter): every property Warren reads, and each header with the AMQP type it arrived as.
 */
class MessageMapperFidelityTest {
  @Test
  void headersAreWrittenBackWithTheTypesTheyArrivedAs() {
    Date when = new Date(1_700_000_000_000L);
    Map<String, Object> sent = new LinkedHashMap<>();
    sent.put("when", when);
    sent.put("small", (short) 7);
    sent.put("tiny", (byte) 3);
    sent.put("ratio", 0.5f);
    sent.put("price", new BigDecimal("12.50"));
    sent.put("text", LongStringHelper.asLongString("t"));
    sent.put("nested", List.of(Map.of("at", when)));
    AMQP.BasicProperties in =
        new AMQP.BasicProperties.Builder()
            .headers(sent)
            .contentEncoding("gzip")
            .priority(4)
            .build();

    Message received = MessageMapper.toMessage(in, new byte[] {1});
    assertThat(received.header("when")).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(received.contentEncoding()).isEqualTo("gzip");
    assertThat(received.priority()).isEqualTo(4);

    AMQP.BasicProperties out = MessageMapper.toProperties(received.withHeaders(received.headers()));
    Map<String, Object> back = out.getHeaders();
    assertThat(back.get("when")).isEqualTo(when);
    assertThat(back.get("small")).isEqualTo((short) 7);
    assertThat(back.get("tiny")).isEqualTo((byte) 3);
    assertThat(back.get("ratio")).isEqualTo(0.5f);
    assertThat(back.get("price")).isEqualTo(new BigDecimal("12.50"));
    assertThat(back.get("text")).isEqualTo("t");
    assertThat(back.get("nested")).isEqualTo(List.of(Map.of("at", when)));
    assertThat(out.getContentEncoding()).isEqualTo("gzip");
    assertThat(out.getPriority()).isEqualTo(4);
  }

  @Test
  void anInstantHeaderIsWrittenAsAnAmqpTimestamp() {
    Instant at = Instant.parse("2026-01-02T03:04:05Z");
    Message m = Message.of(new byte[0], Map.of("at", at));
    assertThat(MessageMapper.toProperties(m).getHeaders().get("at")).isEqualTo(Date.from(at));
  }
}
