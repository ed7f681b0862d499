package dev.warren.internal.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantTextTest {

  @Test
  void readsWhatInstantToStringWritesExactlyAsInstantParseDoes() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 1 to 9999
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String text = instant.toString();
      assertThat(InstantText.parse(text)).as(text).isEqualTo(Instant.parse(text));
      assertThat(InstantText.format(instant)).isEqualTo(text);
    }
  }

  @Test
  void readsShortFractionsAsInstantParseDoes() {
    for (String text :
        new String[] {
          "2026-11-23T14:38:46.1Z", "2026-11-23T14:38:46.12Z", "2024-02-29T00:00:00Z"
        }) {
      assertThat(InstantText.parse(text)).isEqualTo(Instant.parse(text));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-23T14:38:46+01:00",
        "2026-11-23T14:38:46.123+00:00",
        "2026-11-23 14:38:46Z",
        "2026-02-30T00:00:00Z",
        "2026-11-23T24:00:00Z",
        "2026-11-23T14:38:46.Z",
        "2026-11-23T14:38:46.1234567890Z",
        "+12026-11-23T14:38:46Z",
        "2026-1x-23T14:38:46Z",
        "yesterday"
      })
  void leavesEverythingElseToTheFullParser(String text) {
    assertThat(InstantText.parse(text)).isNull();
  }
}
