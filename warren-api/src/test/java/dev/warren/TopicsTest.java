package dev.warren;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    "#, a, true",
    "#, a.b.c, true",
    "a.*, a.b, true",
    "a.*, a, false",
    "a.*, a.b.c, false",
    "a.#, a, true",
    "a.#, a.b.c, true",
    "a.#, b.a, false",
    "*.b.*, a.b.c, true",
    "*.b.*, b.c, false",
    "#.c, a.b.c, true",
    "#.c, c, true",
    "#.c, c.d, false",
    "a.#.c, a.c, true",
    "a.#.c, a.x.y.c, true",
    "a.#.c, a.x.y.d, false",
    "a.*.#, a, false",
    "a.*.#, a.b, true",
    "virtual-key.*, virtual-key.spend-requested, true",
    "exact.match, exact.match, true",
    "exact.match, exact.matches, false"
  })
  void matchesLikeRabbitMqTopicExchanges(String pattern, String key, boolean expected) {
    assertThat(Topics.matches(pattern, key)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a..b", ".a", "a.", "a.*", "a.#", "a b", "a\tb"})
  void rejectsInvalidTypes(String type) {
    assertThatThrownBy(() -> Topics.requireValidType(type))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'" + type + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a..b", "a.b*", "a.#b", "*a", "a.b."})
  void rejectsInvalidPatterns(String pattern) {
    assertThatThrownBy(() -> Topics.requireValidPattern(pattern))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid pattern");
  }

  @ParameterizedTest
  @ValueSource(strings = {"#", "*", "a.*.c", "a.#", "transcription.voice.completed"})
  void acceptsValidPatterns(String pattern) {
    assertThat(Topics.requireValidPattern(pattern)).isEqualTo(pattern);
  }

  @org.junit.jupiter.api.Test
  void rejectsTypesOver255Bytes() {
    String type = "a".repeat(256);
    assertThat(Topics.typeProblem(type)).contains("255 bytes");
    assertThat(Topics.typeProblem("a".repeat(255))).isNull();
  }
}
