package dev.warren.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTest {

  @Test
  void keepsEveryHeaderOfAnImmutableMap() {
    Message m = Message.of(new byte[0], Map.of("a", 1L, "b", "two", "c", true));

    assertThat(m.headers())
        .containsOnly(Map.entry("a", 1L), Map.entry("b", "two"), Map.entry("c", true));
  }

  @Test
  void copiesAMutableMapSoLaterChangesDoNotReachTheMessage() {
    Map<String, Object> headers = new HashMap<>(Map.of("a", 1L));
    Message m = Message.of(new byte[0], headers);
    headers.put("b", 2L);

    assertThat(m.headers()).containsOnlyKeys("a");
    assertThatThrownBy(() -> m.headers().put("c", 3L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void noHeadersIsAnEmptyTable() {
    assertThat(Message.of(new byte[0], null).headers()).isEmpty();
  }
}
