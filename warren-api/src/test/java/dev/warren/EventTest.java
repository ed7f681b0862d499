package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTest {
  @Test
  void idsAreUniqueAndTimeOrdered() {
    Set<String> seen = new HashSet<>();
    String previous = "";
    for (int i = 0; i < 10_000; i++) {
      String id = Event.newId();
      assertThat(seen.add(id)).isTrue();
      assertThat(id.compareTo(previous)).isPositive();
      assertThat(id.charAt(14)).isEqualTo('7');
      previous = id;
    }
  }

  @Test
  void carriesCausationAsAList() {
    Event e = Event.builder("a.b").jsonData("{}").causationIds(List.of("p1", "p2")).build();
    assertThat(e.causationIds()).containsExactly("p1", "p2");
    assertThat(e.extension(Event.CAUSATION_ID)).contains("p1,p2");
    assertThat(e.dataContentType()).isEqualTo("application/json");
    assertThat(e.toBuilder().build()).isEqualTo(e);
  }

  @Test
  void rejectsBadAttributes() {
    assertThatThrownBy(() -> Event.builder("a.*").build()).hasMessageContaining("'a.*'");
    assertThatThrownBy(() -> Event.builder("a").extension("Bad-Name", "x").build())
        .hasMessageContaining("'Bad-Name'");
    assertThatThrownBy(() -> Event.builder("a").extension("type", "x").build())
        .hasMessageContaining("context attribute");
    assertThatThrownBy(() -> Event.builder("a").id(" ").build()).hasMessageContaining("id");
  }
}
