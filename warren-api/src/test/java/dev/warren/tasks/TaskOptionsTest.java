package dev.warren.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskOptionsTest {
  @Test
  void defaults() {
    TaskOptions o = TaskOptions.defaults();

    assertThat(o.queue()).isEqualTo("warren.tasks.default");
    assertThat(o.maxRetries()).isEqualTo(3);
    assertThat(o.resultTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(o.softTimeLimit()).isNull();
    assertThat(o.timeLimit()).isNull();
    Instant now = Instant.now();
    assertThat(o.dueAt(now)).isEqualTo(now);
  }

  @Test
  void retryDelaysGrowUpToTheMaximum() {
    TaskOptions o =
        TaskOptions.builder()
            .retryDelay(Duration.ofSeconds(1))
            .retryBackoff(3)
            .retryMaxDelay(Duration.ofSeconds(20))
            .build();

    assertThat(o.retryDelay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.retryDelay(2)).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.retryDelay(3)).isEqualTo(Duration.ofSeconds(9));
    assertThat(o.retryDelay(4)).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void countdownAndEtaReplaceEachOther() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Instant eta = now.plusSeconds(60);

    assertThat(TaskOptions.builder().countdown(Duration.ofSeconds(5)).build().dueAt(now))
        .isEqualTo(now.plusSeconds(5));
    assertThat(TaskOptions.builder().countdown(Duration.ofSeconds(5)).eta(eta).build().dueAt(now))
        .isEqualTo(eta);
    assertThat(TaskOptions.builder().eta(eta).countdown(Duration.ofSeconds(5)).build().dueAt(now))
        .isEqualTo(now.plusSeconds(5));
  }

  @Test
  void toBuilderKeepsEverything() {
    TaskOptions o =
        TaskOptions.builder()
            .queue("images")
            .maxRetries(0)
            .softTimeLimit(Duration.ofSeconds(1))
            .timeLimit(Duration.ofSeconds(2))
            .revokeGrace(Duration.ZERO)
            .build();

    TaskOptions copy = o.toBuilder().build();

    assertThat(copy.queue()).isEqualTo("images");
    assertThat(copy.maxRetries()).isZero();
    assertThat(copy.timeLimit()).isEqualTo(Duration.ofSeconds(2));
    assertThat(copy.revokeGrace()).isZero();
  }

  @Test
  void badValuesAreRejectedWithTheValueInTheMessage() {
    assertThatThrownBy(() -> TaskOptions.builder().queue("has space"))
        .isInstanceOf(dev.warren.InvalidInputException.class)
        .hasMessageContaining("has space");
    assertThatThrownBy(() -> TaskOptions.builder().maxRetries(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> TaskOptions.builder().countdown(Duration.ofSeconds(-1)))
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> TaskOptions.builder().resultTtl(Duration.ZERO))
        .hasMessageContaining("resultTtl");
    assertThatThrownBy(() -> TaskOptions.builder().retryBackoff(0.5)).hasMessageContaining("0.5");
    assertThatThrownBy(
            () ->
                TaskOptions.builder()
                    .softTimeLimit(Duration.ofSeconds(5))
                    .timeLimit(Duration.ofSeconds(5))
                    .build())
        .hasMessageContaining("softTimeLimit");
  }

  @Test
  void finalStates() {
    assertThat(TaskState.SUCCESS.isFinal()).isTrue();
    assertThat(TaskState.FAILURE.isFinal()).isTrue();
    assertThat(TaskState.REVOKED.isFinal()).isTrue();
    assertThat(TaskState.RETRY.isFinal()).isFalse();
    assertThat(TaskState.PROGRESS.isFinal()).isFalse();
  }
}
