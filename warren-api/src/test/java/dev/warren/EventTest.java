package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventTest {
  @Test
  void extensionsKeepTheirCloudEventsTypeAndTheDataSchemaMustBeAnAbsoluteUri() {
    Event e =
        Event.builder("a.b")
            .extension("count", 5L)
            .extension("flag", true)
            .extension("tenant", "acme")
            .dataSchema("https://example.com/s.json")
            .build();
    assertThat(e.extensions()).containsEntry("count", 5).containsEntry("flag", true);
    assertThat(e.extension("count")).contains("5");
    assertThat(e.dataSchema()).contains("https://example.com/s.json");
    assertThat(e.toBuilder().build()).isEqualTo(e);

    assertThatThrownBy(() -> Event.builder("a.b").extension("big", 1L << 40))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'big'");
    assertThatThrownBy(() -> Event.builder("a.b").extension("ratio", 1.5))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Double");
    assertThatThrownBy(() -> Event.builder("a.b").dataSchema("s.json").build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dataschema 's.json'");
  }

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
