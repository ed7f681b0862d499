package dev.warren.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warren.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskLimitsTest {
  @Test
  void ratesParseInEveryUnit() {
    assertThat(TaskLimits.parse("100/s"))
        .isEqualTo(new TaskLimits(100, Duration.ofSeconds(1), 0, 0));
    assertThat(TaskLimits.parse("10/m").ratePer()).isEqualTo(Duration.ofMinutes(1));
    assertThat(TaskLimits.parse(" 5 / 2h ").ratePer()).isEqualTo(Duration.ofHours(2));
    assertThat(TaskLimits.parse("20/500ms").ratePer()).isEqualTo(Duration.ofMillis(500));
    assertThat(TaskLimits.parse("100/s").rateText()).isEqualTo("100/1s");
    assertThat(TaskLimits.parse("7/90s").rateText()).isEqualTo("7/90s");
    assertThat(TaskLimits.parse("20/500ms").rateText()).isEqualTo("20/500ms");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "100", "0/s", "-1/s", "100/fortnight", "x/s", "100/0s"})
  void badRatesAreRefusedNamingTheText(String text) {
    assertThatThrownBy(() -> TaskLimits.parse(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void limitsCombineAndNegativeOnesAreRefused() {
    TaskLimits l =
        TaskLimits.none().concurrency(4).perKeyConcurrency(1).rate(50, Duration.ofSeconds(1));
    assertThat(l).isEqualTo(new TaskLimits(50, Duration.ofSeconds(1), 4, 1));
    assertThat(TaskLimits.none().isNone()).isTrue();
    assertThat(l.isNone()).isFalse();
    assertThatThrownBy(() -> TaskLimits.none().concurrency(-1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("concurrency=-1");
    assertThatThrownBy(() -> TaskLimits.none().rate(0, Duration.ofSeconds(1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not 0");
  }

  @Test
  void priorityAndLimitKeyAreChecked() {
    TaskOptions o =
        TaskOptions.builder().queue("jobs.priority").priority(9).limitKey("customer-1").build();
    assertThat(o.priority()).isEqualTo(9);
    assertThat(o.limitKey()).isEqualTo("customer-1");
    assertThat(o.toBuilder().build().priority()).isEqualTo(9);
    assertThat(TaskOptions.isPriorityQueue(TaskOptions.PRIORITY_QUEUE)).isTrue();
    assertThatThrownBy(() -> TaskOptions.builder().priority(-1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("-1 is not between 0 and 9");
    assertThatThrownBy(() -> TaskOptions.builder().limitKey(""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit key ''");
    assertThatThrownBy(() -> TaskOptions.builder().priority(1).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'" + TaskOptions.DEFAULT_QUEUE + "' is none");
  }
}
