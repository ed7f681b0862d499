package dev.warren.internal.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When cron and interval slots fall, across daylight-saving changes. */
class SlotsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static List<Instant> slots(Slots s, String from, int n) {
    List<Instant> out = new ArrayList<>();
    Instant t = Instant.parse(from);
    for (int i = 0; i < n; i++) {
      t = s.next(t);
      out.add(t);
    }
    return out;
  }

  @Test
  void secondsAreTheFirstFieldAndFiveFieldsMeanSecondZero() {
    assertThat(slots(Slots.cron("*/20 * * * * *", ZoneOffset.UTC), "2026-01-01T00:00:00.500Z", 3))
        .containsExactly(
            Instant.parse("2026-01-01T00:00:20Z"),
            Instant.parse("2026-01-01T00:00:40Z"),
            Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(slots(Slots.cron("15 * * * *", ZoneOffset.UTC), "2026-01-01T00:00:00Z", 2))
        .containsExactly(
            Instant.parse("2026-01-01T00:15:00Z"), Instant.parse("2026-01-01T01:15:00Z"));
  }

  @Test
  void aTimeZoneMovesTheSlots() {
    assertThat(
            slots(
                Slots.cron("0 0 9 * * MON-FRI", ZoneId.of("America/New_York")),
                "2026-07-03T00:00:00Z",
                2))
        .containsExactly(
            Instant.parse("2026-07-03T13:00:00Z"), // Friday 09:00 EDT
            Instant.parse("2026-07-06T13:00:00Z")); // Monday
  }

  @Test
  void springForwardADailyTimeInTheGapFiresOnceWhenTheClocksJump() {
    // 2026-03-29 in Berlin: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 does not exist
    assertThat(slots(Slots.cron("0 30 2 * * *", BERLIN), "2026-03-28T12:00:00Z", 3))
        .containsExactly(
            Instant.parse("2026-03-29T01:00:00Z"), // 03:00 CEST, the moment of the jump
            Instant.parse("2026-03-30T00:30:00Z"), // 02:30 CEST
            Instant.parse("2026-03-31T00:30:00Z"));
  }

  @Test
  void springForwardEveryHalfHourFiresTheSkippedTimesOnce() {
    assertThat(slots(Slots.cron("0 */30 * * * *", BERLIN), "2026-03-29T00:15:00Z", 4))
        .containsExactly(
            Instant.parse("2026-03-29T00:30:00Z"), // 01:30 CET
            Instant.parse("2026-03-29T01:00:00Z"), // 03:00 CEST: 02:00 and 02:30 folded in
            Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST
            Instant.parse("2026-03-29T02:00:00Z"));
  }

  @Test
  void fallBackADailyTimeInTheRepeatedHourFiresOnce() {
    // 2026-10-25 in Berlin: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:30 happens twice
    assertThat(slots(Slots.cron("0 30 2 * * *", BERLIN), "2026-10-24T12:00:00Z", 2))
        .containsExactly(
            Instant.parse("2026-10-25T00:30:00Z"), // 02:30 CEST, the first one
            Instant.parse("2026-10-26T01:30:00Z")); // next day, 02:30 CET
  }

  @Test
  void fallBackAnHourlyScheduleFiresInBothRepeatedHours() {
    assertThat(slots(Slots.cron("0 0 * * * *", BERLIN), "2026-10-24T23:30:00Z", 4))
        .containsExactly(
            Instant.parse("2026-10-25T00:00:00Z"), // 02:00 CEST
            Instant.parse("2026-10-25T01:00:00Z"), // 02:00 CET, an hour later
            Instant.parse("2026-10-25T02:00:00Z"), // 03:00 CET
            Instant.parse("2026-10-25T03:00:00Z"));
  }

  @Test
  void intervalsCountFromTheAnchor() {
    Slots s =
        new Slots.IntervalSlots(Instant.parse("2026-01-01T00:00:00.250Z"), Duration.ofSeconds(90));
    assertThat(slots(s, "2026-01-01T00:00:00Z", 2))
        .containsExactly(
            Instant.parse("2026-01-01T00:01:30.250Z"), Instant.parse("2026-01-01T00:03:00.250Z"));
    assertThat(s.next(Instant.parse("2026-01-01T00:04:00Z")))
        .isEqualTo(Instant.parse("2026-01-01T00:04:30.250Z"));
  }

  @Test
  void aBadExpressionIsRefusedWithItsText() {
    assertThatThrownBy(() -> Slots.cron("0 61 * * * *", ZoneOffset.UTC))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'0 61 * * * *'")
        .hasMessageContaining("61");
    assertThatThrownBy(() -> Slots.cron("every day", ZoneOffset.UTC))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'every day'");
    assertThatThrownBy(() -> Slots.cron("0 0 0 30 2 *", ZoneOffset.UTC))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("never fires");
  }
}
